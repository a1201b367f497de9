// RECONSTRUCTION — one patch module per patched object, as Petr Mladek's January 2020 POC
// ("[POC 00/23] livepatch: Split livepatch module per-object", 20200117150323.21801-1-
// pmladek@suse.com) built it on the LPC 2019 idea: a main module for vmlinux, and a module
// `<patch>__<obj>` per module object that the kernel loads (request_module(), i.e. modprobe)
// together with its target and removes with it. Each sub-module is an ordinary module: its
// `.klp.rela.<obj>` relocations are applied while it loads (its target is there by
// construction), so nothing is written into it once it is RX. Its init adds its object to the
// patch (the POC's klp_add_object()). What klp-lab does not model: the POC's obj_names list,
// modprobe itself, and the dependency and recursion problems its cover letter lists.
// The kernel runs it through its hooks (KernelHooks, src/kernel/kernel_types.ts).
import type { ElfObject } from '../elf/types.ts';
import type { Kernel, KernelHooks } from '../kernel/kernel_types.ts';
import { klp_enable_patch, klp_find_object_symbol } from '../kernel/livepatch/core.ts';
import { klp_patch_object } from '../kernel/livepatch/patch.ts';
import { findKlpPatchStruct, type KlpObject, klpState, readKlpPatch } from '../kernel/livepatch/types.ts';
import type { LoadError } from '../kernel/load_error.ts';
import { delete_module, load_module } from '../kernel/module/main.ts';
import type { Module } from '../kernel/module/types.ts';
import { klp_text_apply_own } from './klp_text.ts';

const FILE = "reconstruction of Petr Mladek's Jan 2020 POC";

export interface SplitSubModule {
  /** `<patch>__<obj>` */
  name: string;
  object: string;
  bytes: Uint8Array;
  elf: ElfObject;
}

export interface SplitPackaging {
  /** The main module's name (= the patch's). */
  patch: string;
  subModules: SplitSubModule[];
}

/** request_module("%s__%s"): modprobe loads the sub-module; its failure fails the caller. */
function request_module(k: Kernel, sub: SplitSubModule): LoadError | null {
  if (k.findModule(sub.name)) return null;
  return k.trace.call('request_module', () => {
    k.trace.step(`request_module("${sub.name}"): modprobe loads the sub-module for ${sub.object}`, {
      module: sub.name,
      file: FILE,
      fn: 'request_module',
    });
    const r = load_module(k, sub.bytes, sub.elf);
    if (!r.ok) {
      k.trace.printk('err', `livepatch: Module load failed: ${sub.name}`);
      return r.error ?? null;
    }
    return null;
  });
}

/** The main module's klp_enable_patch() also asks for the sub-modules of objects already loaded. */
function klp_split_request_loaded(k: Kernel, split: SplitPackaging, pmod: Module): LoadError | null {
  if (split.patch !== pmod.name) return null;
  for (const sub of split.subModules) {
    if (!k.modules.some((m) => m.name === sub.object && (m.state === 'LIVE' || m.state === 'COMING'))) continue;
    const err = request_module(k, sub);
    if (err) return err;
  }
  return null;
}

/** klp_module_coming() in the POC: load `<patch>__<obj>` for the arriving object. */
function klp_split_coming(k: Kernel, split: SplitPackaging, tmod: Module): LoadError | null {
  const sub = split.subModules.find((s) => s.object === tmod.name);
  if (!sub || !klpState(k).patches.some((p) => p.mod.name === split.patch)) return null;
  return request_module(k, sub);
}

/** The POC removes the sub-module with its target. */
function klp_split_going(k: Kernel, split: SplitPackaging, tmod: Module): void {
  const sub = split.subModules.find((s) => s.object === tmod.name);
  if (!sub || !k.findModule(sub.name)) return;
  k.trace.call('klp_split_going', () => {
    k.trace.step(`the sub-module ${sub.name} goes with ${tmod.name}`, {
      module: sub.name,
      file: FILE,
      fn: 'klp_split_going',
    });
    delete_module(k, sub.name);
  });
}

/** klp_add_object(): the sub-module's init hands its object to the patch and patches the target. */
function klp_add_object(k: Kernel, split: SplitPackaging, sub: Module): LoadError | null {
  return k.trace.call('klp_add_object', () => {
    const addr = findKlpPatchStruct(sub);
    const patch = klpState(k).patches.find((p) => p.mod.name === split.patch);
    if (addr === undefined || !patch) {
      k.trace.step(`${sub.name}: no patch to join`, { module: sub.name, file: FILE, fn: 'klp_add_object' });
      return null;
    }
    const own = readKlpPatch(k, sub, addr).objs;
    k.trace.step(`${sub.name} adds ${own.map((o) => o.name ?? 'vmlinux').join(', ')} to patch '${patch.mod.name}'`, {
      module: sub.name,
      file: FILE,
      fn: 'klp_add_object',
    });
    sub.refcnt++;
    for (const o of own) {
      const obj: KlpObject = { ...o, mod: k.modules.find((m) => m.name === o.name) ?? null };
      for (const f of obj.funcs) {
        const addr = klp_find_object_symbol(k, obj.name, f.old_name, f.old_sympos);
        if (typeof addr !== 'bigint') return addr;
        f.old_func = addr;
      }
      patch.objs = patch.objs.filter((x) => x.name !== obj.name).concat(obj);
      const err = klp_patch_object(k, obj);
      if (err) return err;
    }
    return null;
  });
}

/** When a target goes, its sub-module's reference is dropped so that it can be removed. */
function klp_split_release(k: Kernel, split: SplitPackaging, tmod: Module): void {
  const sub = split.subModules.find((s) => s.object === tmod.name);
  const m = sub && k.findModule(sub.name);
  if (m && m.refcnt > 0) m.refcnt--;
}

/** The kernel's hooks for one repackaged patch: its sub-modules come and go with their targets. */
export function splitHooks(split: SplitPackaging): KernelHooks {
  return {
    klpRelaAtLoad: klp_text_apply_own,
    klpRelocsByLoader: true,
    livepatchInit: (k, mod) =>
      split.subModules.some((s) => s.name === mod.name)
        ? klp_add_object(k, split, mod)
        : (klp_enable_patch(k, mod) ?? klp_split_request_loaded(k, split, mod)),
    afterKlpModuleComing: (k, mod) => klp_split_coming(k, split, mod),
    afterKlpModuleGoing: (k, mod) => klp_split_release(k, split, mod),
    afterFreeModule: (k, mod) => klp_split_going(k, split, mod),
  };
}
