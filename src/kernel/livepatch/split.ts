// RECONSTRUCTION — one patch module per patched object, as Petr Mladek's January 2020 POC
// ("[POC 00/23] livepatch: Split livepatch module per-object", 20200117150323.21801-1-
// pmladek@suse.com) built it on the LPC 2019 idea: a main module for vmlinux, and a module
// `<patch>__<obj>` per module object that the kernel loads (request_module(), i.e. modprobe)
// together with its target and removes with it. Each sub-module is an ordinary module: its
// `.klp.rela.<obj>` relocations are applied while it loads (its target is there by
// construction), so nothing is written into it once it is RX. Its init adds its object to the
// patch (the POC's klp_add_object()). What klp-lab does not model: the POC's obj_names list,
// modprobe itself, and the dependency and recursion problems its cover letter lists.
import type { ElfObject } from '../../elf/types.ts';
import type { Kernel } from '../kernel.ts';
import type { LoadError } from '../load_error.ts';
import type { Module } from '../module/types.ts';
import { klp_find_object_symbol } from './core.ts';
import { klp_patch_object } from './patch.ts';
import { type KlpObject, klpState } from './state.ts';
import { findKlpPatchStruct, readKlpPatch } from './structs.ts';

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

// load_module()/delete_module() are passed in to keep the module loader free of a dependency
// on this reconstruction.
export interface SplitLoader {
  load(k: Kernel, bytes: Uint8Array, elf: ElfObject): { ok: boolean; error?: LoadError };
  remove(k: Kernel, name: string): LoadError | null;
}

export const isSplitSubModule = (k: Kernel, mod: Module) =>
  k.klpSplit?.subModules.some((s) => s.name === mod.name) ?? false;

/** request_module("%s__%s"): modprobe loads the sub-module; its failure fails the caller. */
function request_module(k: Kernel, loader: SplitLoader, sub: SplitSubModule): LoadError | null {
  if (k.findModule(sub.name)) return null;
  return k.trace.call('request_module', () => {
    k.trace.step(`request_module("${sub.name}"): modprobe loads the sub-module for ${sub.object}`, {
      module: sub.name,
      file: FILE,
      fn: 'request_module',
    });
    const r = loader.load(k, sub.bytes, sub.elf);
    if (!r.ok) {
      k.trace.printk('err', `livepatch: Module load failed: ${sub.name}`);
      return r.error ?? null;
    }
    return null;
  });
}

/** The main module's klp_enable_patch() also asks for the sub-modules of objects already loaded. */
export function klp_split_request_loaded(k: Kernel, loader: SplitLoader, pmod: Module): LoadError | null {
  const split = k.klpSplit;
  if (!split || split.patch !== pmod.name) return null;
  for (const sub of split.subModules) {
    if (!k.modules.some((m) => m.name === sub.object && (m.state === 'LIVE' || m.state === 'COMING'))) continue;
    const err = request_module(k, loader, sub);
    if (err) return err;
  }
  return null;
}

/** klp_module_coming() in the POC: load `<patch>__<obj>` for the arriving object. */
export function klp_split_coming(k: Kernel, loader: SplitLoader, tmod: Module): LoadError | null {
  const sub = k.klpSplit?.subModules.find((s) => s.object === tmod.name);
  if (!sub || !klpState(k).patches.some((p) => p.mod.name === k.klpSplit!.patch)) return null;
  return request_module(k, loader, sub);
}

/** The POC removes the sub-module with its target. */
export function klp_split_going(k: Kernel, loader: SplitLoader, tmod: Module): void {
  const sub = k.klpSplit?.subModules.find((s) => s.object === tmod.name);
  if (!sub || !k.findModule(sub.name)) return;
  k.trace.call('klp_split_going', () => {
    k.trace.step(`the sub-module ${sub.name} goes with ${tmod.name}`, {
      module: sub.name,
      file: FILE,
      fn: 'klp_split_going',
    });
    loader.remove(k, sub.name);
  });
}

/** klp_add_object(): the sub-module's init hands its object to the patch and patches the target. */
export function klp_add_object(k: Kernel, sub: Module): LoadError | null {
  return k.trace.call('klp_add_object', () => {
    const addr = findKlpPatchStruct(sub);
    const patch = klpState(k).patches.find((p) => p.mod.name === k.klpSplit!.patch);
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
export function klp_split_release(k: Kernel, tmod: Module): void {
  const sub = k.klpSplit?.subModules.find((s) => s.object === tmod.name);
  const m = sub && k.findModule(sub.name);
  if (m && m.refcnt > 0) m.refcnt--;
}
