// kernel/livepatch/core.c (6.1; 5.4 where it differs), in the kernel's order:
//  - symbols and relocations: klp_find_object_symbol(), klp_resolve_symbols(),
//    klp_apply_section_relocs() — the loader calls the last for every SHF_RELA_LIVEPATCH
//    section, livepatch again when the object it names arrives; 5.4's
//    klp_write_object_relocations() and 6.3's clearing;
//  - the patch lifecycle: klp_init_object_loaded() for every object that is present (the late
//    relocations: 5.4 inside module_disable_ro()/module_enable_ro(), 5.8+ through text_poke()),
//    klp_enable_patch() from the patch module's init, disabling, atomic replace's NOPs;
//  - klp_module_coming()/klp_module_going() for targets that come and go;
//  - what /sys/kernel/livepatch shows.
// Redirection is patch.c's (patch.ts), transitions are transition.c's (transition.ts).
import { SHF_RELA_LIVEPATCH, SHN_LIVEPATCH, SHN_UNDEF, SIZEOF_SYM } from '../../elf/constants.ts';
import { parseKlpRelaName, parseKlpSymbolName } from '../../elf/klp_names.ts';
import { apply_relocate_add, clear_relocate_add } from '../arch/x86/module.ts';
import { EINVAL, ENOENT } from '../errno.ts';
import type { Kernel } from '../kernel_types.ts';
import { type LoadError, loadError } from '../load_error.ts';
import { is_core_symbol } from '../module/kallsyms.ts';
import { relaSection } from '../module/rela.ts';
import { module_disable_ro, module_enable_ro } from '../module/strict_rwx.ts';
import type { LoadInfo, Module } from '../module/types.ts';
import { run_pending_work } from '../workqueue.ts';
import { klp_patch_object, klp_unpatch_object } from './patch.ts';
import { klp_init_transition, klp_start_transition, klp_try_complete_transition } from './transition.ts';
import {
  findKlpPatchStruct,
  type KlpObject,
  type KlpPatch,
  klp_is_module,
  klp_is_object_loaded,
  klpState,
  objectName,
  readKlpPatch,
} from './types.ts';

const CORE = 'kernel/livepatch/core.c';
const notice = (k: Kernel, text: string) => k.trace.printk('notice', `livepatch: ${text}`);
const warn = (k: Kernel, text: string) => k.trace.printk('warn', `livepatch: ${text}`);

const refuse = (k: Kernel, where: string, message: string): LoadError => {
  k.trace.printk('err', `livepatch: ${message}`);
  return loadError(EINVAL, where, `livepatch: ${message}`);
};

/**
 * The symbols module_kallsyms_on_each_symbol() shows for a module: its full symtab while it is
 * COMING (mod->kallsyms still points at the init-time copy), the core kallsyms once LIVE.
 */
function moduleKallsyms(mod: Module): Array<{ name: string; value: bigint }> {
  const info = mod.info;
  const out: Array<{ name: string; value: bigint }> = [];
  for (const s of info.elf.symbols) {
    const kept = mod.state === 'LIVE' ? s.index === 0 || mod.klp || is_core_symbol(info, s.shndx, s.nameOffset) : true;
    if (!kept || s.shndx === SHN_UNDEF) continue;
    out.push({ name: s.name, value: mod.symbolValues[s.index]! });
  }
  return out;
}

/** klp_find_object_symbol(): sympos 0 means "must be unique", N the N-th in kallsyms order. */
export function klp_find_object_symbol(
  k: Kernel,
  objname: string | null,
  name: string,
  sympos: number,
): bigint | LoadError {
  let addr = 0n;
  let count = 0;
  const visit = (symName: string, value: bigint) => {
    if (symName !== name) return false;
    addr = value;
    count++;
    return (sympos > 0 && count === sympos) || (sympos === 0 && count > 1);
  };
  if (objname === null) {
    for (const e of k.vmlinux.lookup(name)) if (visit(e.name, e.addr)) break;
  } else {
    outer: for (const mod of k.modules) {
      if (mod.state === 'UNFORMED' || mod.state === null || mod.name !== objname) continue;
      for (const s of moduleKallsyms(mod)) if (visit(s.name, s.value)) break outer;
    }
  }
  if (addr === 0n) return refuse(k, 'klp_find_object_symbol', `symbol '${name}' not found in symbol table`);
  if (count > 1 && sympos === 0)
    return refuse(
      k,
      'klp_find_object_symbol',
      `unresolvable ambiguity for symbol '${name}' in object '${objname ?? '(null)'}'`,
    );
  if (sympos > 0 && sympos !== count)
    return refuse(
      k,
      'klp_find_object_symbol',
      `symbol position ${sympos} for symbol '${name}' in object '${objname ?? 'vmlinux'}' not found`,
    );
  return addr;
}

/** klp_resolve_symbols(): give every symbol a .klp.rela section uses its address in `sec_objname`. */
function klp_resolve_symbols(
  k: Kernel,
  pmod: Module,
  info: LoadInfo,
  relsec: number,
  sec_objname: string,
): LoadError | null {
  const rel = relaSection(info, relsec);
  const sec_vmlinux = sec_objname === 'vmlinux';
  for (let i = 0; i < rel.count; i++) {
    const sym = info.elf.symbols[rel.symbols[i]!];
    if (!sym || sym.shndx !== SHN_LIVEPATCH)
      return refuse(k, 'klp_resolve_symbols', `symbol ${sym?.name ?? ''} is not marked as a livepatch symbol`);
    const klp = parseKlpSymbolName(sym.name);
    if (!klp) return refuse(k, 'klp_resolve_symbols', `symbol ${sym.name} has an incorrectly formatted name`);
    const sym_vmlinux = klp.object === 'vmlinux';
    if (k.profile.klpModuleRelaNoVmlinuxSyms && !sec_vmlinux && sym_vmlinux)
      return refuse(
        k,
        'klp_resolve_symbols',
        `invalid access to vmlinux symbol '${klp.symbol}' from module-specific livepatch relocation section`,
      );
    const addr = klp_find_object_symbol(k, sym_vmlinux ? null : klp.object, klp.symbol, klp.sympos);
    if (typeof addr !== 'bigint') return addr;
    // sym->st_value = addr, in the symbol table the patch module keeps
    pmod.symbolValues[sym.index] = addr;
    const at = info.sechdrs[info.index.sym]!.addr + BigInt(sym.index * SIZEOF_SYM) + 8n;
    const v = new Uint8Array(8);
    new DataView(v.buffer).setBigUint64(0, addr, true);
    k.mem.write(at, v, 'store', { what: `st_value of ${sym.name}` });
  }
  return null;
}

/**
 * klp_apply_section_relocs(): apply one .klp.rela section if it belongs to `objname` (NULL =
 * vmlinux, which is what the loader passes).
 */
export function klp_apply_section_relocs(
  k: Kernel,
  pmod: Module,
  info: LoadInfo,
  relsec: number,
  objname: string | null,
): LoadError | null {
  const name = info.sechdrs[relsec]!.name;
  const parsed = parseKlpRelaName(name);
  if (!parsed) return refuse(k, 'klp_apply_section_relocs', `section ${name} has an incorrectly formatted name`);
  if ((objname ?? 'vmlinux') !== parsed.object) return null;
  return k.trace.call('klp_apply_section_relocs', () => {
    k.trace.step(`${name}: resolve its .klp.sym symbols in ${parsed.object}, then relocate`, {
      module: pmod.name,
      file: CORE,
    });
    const err = k.trace.call('klp_resolve_symbols', () => klp_resolve_symbols(k, pmod, info, relsec, parsed.object));
    if (err) return err;
    return k.trace.call('apply_relocate_add', () => apply_relocate_add(k, pmod, info, relsec));
  });
}

/** 5.4 klp_write_object_relocations(): every .klp.rela section of `obj`, plain stores. */
function klp_write_object_relocations(k: Kernel, patch: KlpPatch, obj: KlpObject): LoadError | null {
  const pmod = patch.mod;
  const info = pmod.klp_info!;
  for (const [i, sec] of info.sechdrs.entries()) {
    if (!(sec.flags & SHF_RELA_LIVEPATCH)) continue;
    const parsed = parseKlpRelaName(sec.name);
    if (!parsed)
      return loadError(
        EINVAL,
        'klp_write_object_relocations',
        `livepatch: section ${sec.name} has an incorrectly formatted name`,
      );
    if (parsed.object !== objectName(obj)) continue;
    k.trace.step(`${sec.name}: resolve .klp.sym symbols, store the relocations into the patch module`, {
      module: pmod.name,
      file: CORE,
    });
    const err =
      k.trace.call('klp_resolve_symbols', () => klp_resolve_symbols(k, pmod, info, i, parsed.object)) ??
      k.trace.call('apply_relocate_add', () => apply_relocate_add(k, pmod, info, i));
    if (err) return err;
  }
  return null;
}

/** klp_write_object_relocs(patch, obj, apply) (5.8+): apply or (6.3+) clear the object's sections. */
function klp_write_object_relocs(k: Kernel, patch: KlpPatch, obj: KlpObject, apply: boolean): LoadError | null {
  const pmod = patch.mod;
  const info = pmod.klp_info!;
  for (const [i, sec] of info.sechdrs.entries()) {
    if (!(sec.flags & SHF_RELA_LIVEPATCH)) continue;
    if (apply) {
      const err = klp_apply_section_relocs(k, pmod, info, i, obj.name);
      if (err) return err;
    } else if (parseKlpRelaName(sec.name)?.object === objectName(obj)) {
      k.trace.step(`${sec.name}: check and zero the relocation targets`, {
        module: pmod.name,
        file: 'arch/x86/kernel/module.c',
        fn: 'clear_relocate_add',
      });
      k.trace.call('clear_relocate_add', () => clear_relocate_add(k, pmod, info, i));
    }
  }
  return null;
}

function klp_init_object_loaded(k: Kernel, patch: KlpPatch, obj: KlpObject): LoadError | null {
  return k.trace.call('klp_init_object_loaded', () => {
    const late = k.profile.klpLateRelocs;
    if (k.hooks.klpRelocsByLoader) {
      // a reconstruction: the loader applied them when the object was there; livepatch only finds the functions
    } else if (late === 'module_disable_ro') {
      // 5.4: the whole patch module writable again — its text stays executable
      module_disable_ro(k, patch.mod);
      const err = k.trace.call('klp_write_object_relocations', () => klp_write_object_relocations(k, patch, obj));
      if (err) {
        // module_enable_ro(), unlock text_mutex, return: no arch_klp_init_object_loaded()
        module_enable_ro(k, patch.mod, true);
        return err;
      }
      k.trace.call('arch_klp_init_object_loaded', () => {
        const arch = patch.mod.info.elf.klpArch.filter((a) => a.object === objectName(obj));
        k.trace.step(
          arch.length
            ? `.klp.arch.${objectName(obj)}: ${arch.map((a) => a.section).join(', ')} — alternatives/paravirt for this object`
            : `no .klp.arch.${objectName(obj)} sections: nothing to apply`,
          { module: patch.mod.name, file: 'arch/x86/kernel/livepatch.c' },
        );
      });
      module_enable_ro(k, patch.mod, true);
    } else if (late === 'text_poke') {
      if (klp_is_module(obj)) {
        const err = k.trace.call('klp_apply_object_relocs', () => klp_write_object_relocs(k, patch, obj, true));
        if (err) return err;
      }
    } else {
      const unknown: never = late;
      throw new Error(`klpLateRelocs ${unknown}`);
    }
    for (const func of obj.funcs) {
      const addr = klp_find_object_symbol(k, obj.name, func.old_name, func.old_sympos);
      if (typeof addr !== 'bigint') return addr;
      func.old_func = addr;
      if (func.nop) func.new_func = func.old_func;
    }
    return null;
  });
}

/** klp_find_object_module(): a module object is loaded if its module is there and klp_alive. */
function klp_find_object_module(k: Kernel, obj: KlpObject): void {
  if (!klp_is_module(obj)) return;
  const mod = k.modules.find((m) => m.name === obj.name && (m.state === 'COMING' || m.state === 'LIVE'));
  obj.mod = mod && klpState(k).alive.has(mod) ? mod : null;
}

/** klp_add_nops(): a replacing patch gets NOP functions for everything older patches patch and it does not. */
function klp_add_nops(patch: KlpPatch, older: KlpPatch[]): void {
  for (const old of older) {
    for (const oldObj of old.objs) {
      let obj = patch.objs.find((o) => o.name === oldObj.name);
      if (!obj) {
        obj = { name: oldObj.name, funcs: [], mod: null, patched: false, dynamic: true };
        patch.objs.push(obj);
      }
      for (const f of oldObj.funcs)
        if (!obj.funcs.some((g) => g.old_name === f.old_name && g.old_sympos === f.old_sympos))
          obj.funcs.push({
            old_name: f.old_name,
            new_func: 0n,
            old_sympos: f.old_sympos,
            old_func: 0n,
            nop: true,
            patched: false,
          });
    }
  }
}

/** klp_enable_patch(): what a livepatch module's init does with its struct klp_patch. */
export function klp_enable_patch(k: Kernel, pmod: Module): LoadError | null {
  return k.trace.call('klp_enable_patch', () => {
    const addr = findKlpPatchStruct(pmod);
    if (addr === undefined) {
      k.trace.step(`${pmod.name} has no struct klp_patch that klp-lab can find; its init is not emulated`, {
        module: pmod.name,
        file: CORE,
      });
      return null;
    }
    const patch = readKlpPatch(k, pmod, addr);
    const st = klpState(k);
    k.trace.step(
      `struct klp_patch at ${addr.toString(16)}: ${patch.objs.map((o) => `${objectName(o)} (${o.funcs.map((f) => f.old_name).join(', ')})`).join('; ')}${patch.replace ? ', replace' : ''}`,
      {
        module: pmod.name,
        file: CORE,
      },
    );
    if (!pmod.klp) {
      k.trace.printk('err', `livepatch: module ${pmod.name} is not marked as a livepatch module`);
      return loadError(
        EINVAL,
        'klp_enable_patch',
        `livepatch: module ${pmod.name} is not marked as a livepatch module`,
      );
    }
    pmod.refcnt++; // klp_init_patch_early(): try_module_get(patch->mod)
    st.patches.push(patch);
    const older = st.patches.filter((p) => p !== patch);
    const err = k.trace.call('klp_init_patch', () => {
      if (patch.replace) klp_add_nops(patch, older);
      for (const obj of patch.objs) {
        klp_find_object_module(k, obj);
        if (!klp_is_object_loaded(obj)) continue;
        const e = k.trace.call('klp_init_object', () => klp_init_object_loaded(k, patch, obj));
        if (e) return e;
      }
      return null;
    });
    if (err) {
      st.patches.splice(st.patches.indexOf(patch), 1);
      pmod.refcnt--;
      return err;
    }
    return k.trace.call('__klp_enable_patch', () => {
      k.trace.step(`enabling patch '${pmod.name}'`, { module: pmod.name, file: CORE });
      notice(k, `enabling patch '${pmod.name}'`);
      klp_init_transition(k, patch, 'patching', 'insmod');
      for (const obj of patch.objs) {
        if (!klp_is_object_loaded(obj)) continue;
        const e = klp_patch_object(k, obj);
        if (e) {
          warn(k, `failed to patch object '${objectName(obj)}'`);
          warn(k, `failed to enable patch '${pmod.name}'`);
          return e;
        }
      }
      klp_start_transition(k, patch, 'patching', 'insmod');
      patch.enabled = true;
      klp_try_complete_transition(k, patch, 'patching', 'insmod');
      return null;
    });
  });
}

/** klp_cleanup_module_patches_limited(): unpatch `mod` in every patch before `limit`. */
function klp_cleanup_module_patches_limited(k: Kernel, mod: Module, limit: KlpPatch | null): void {
  for (const patch of klpState(k).patches) {
    if (patch === limit) break;
    for (const obj of patch.objs) {
      if (!klp_is_module(obj) || obj.name !== mod.name) continue;
      if (obj.mod) {
        k.trace.step(`reverting patch '${patch.mod.name}' on unloading module '${mod.name}'`, {
          module: patch.mod.name,
          file: CORE,
          fn: 'klp_cleanup_module_patches_limited',
        });
        notice(k, `reverting patch '${patch.mod.name}' on unloading module '${mod.name}'`);
        klp_unpatch_object(k, obj);
        if (k.profile.klpClearRelocsOnGoing)
          k.trace.call('klp_clear_object_relocs', () => klp_write_object_relocs(k, patch, obj, false));
      }
      obj.mod = null; // klp_free_object_loaded()
      for (const f of obj.funcs) if (f.nop) f.new_func = 0n;
      break;
    }
  }
}

/** klp_module_coming(): patch a module that is arriving, in every patch that names it. */
export function klp_module_coming(k: Kernel, mod: Module): LoadError | null {
  return k.trace.call('klp_module_coming', () => {
    if (k.profile.klpVmlinuxKoCheck && mod.name === 'vmlinux') {
      k.trace.printk('err', 'livepatch: vmlinux.ko: invalid module name');
      return loadError(EINVAL, 'klp_module_coming', 'livepatch: vmlinux.ko: invalid module name');
    }
    const st = klpState(k);
    st.alive.add(mod);
    const by = st.patches.filter((p) => p.objs.some((o) => klp_is_module(o) && o.name === mod.name));
    k.trace.step(
      `mod->klp_alive = true: livepatch may bind ${mod.name} to a patch from now on — ${by.length ? `${by.map((p) => p.mod.name).join(', ')} patch${by.length === 1 ? 'es' : ''} it` : 'no patch names it'}`,
      { module: mod.name, file: CORE },
    );
    for (const patch of st.patches) {
      const obj = patch.objs.find((o) => klp_is_module(o) && o.name === mod.name);
      if (!obj) continue;
      k.trace.step(
        `${patch.mod.name} patches ${mod.name}: relocate its .klp.rela.${mod.name} sections, then redirect`,
        { module: patch.mod.name, file: CORE },
      );
      obj.mod = mod;
      let err = klp_init_object_loaded(k, patch, obj);
      if (err) warn(k, `failed to initialize patch '${patch.mod.name}' for module '${mod.name}' (${-err.errno})`);
      else {
        notice(k, `applying patch '${patch.mod.name}' to loading module '${mod.name}'`);
        err = klp_patch_object(k, obj);
        if (err) warn(k, `failed to apply patch '${patch.mod.name}' to module '${mod.name}' (${-err.errno})`);
      }
      if (err) {
        warn(k, `patch '${patch.mod.name}' failed for module '${mod.name}', refusing to load module '${mod.name}'`);
        st.alive.delete(mod);
        obj.mod = null;
        klp_cleanup_module_patches_limited(k, mod, patch);
        return err;
      }
    }
    return null;
  });
}

/** klp_module_going(): unpatch a module that is leaving (and, 6.3+, clear what pointed into it). */
export function klp_module_going(k: Kernel, mod: Module): void {
  k.trace.call('klp_module_going', () => {
    k.trace.step(`mod->klp_alive = false: no patch binds ${mod.name} any more`, { module: mod.name, file: CORE });
    klpState(k).alive.delete(mod);
    klp_cleanup_module_patches_limited(k, mod, null);
    k.hooks.inKlpModuleGoing?.(k, mod);
  });
}

/**
 * echo 0|1 > /sys/kernel/livepatch/<patch>/enabled: enabled_store(). Writing the state the patch
 * is already in is -EINVAL; 0 on an enabled patch is __klp_disable_patch(); 1 on a disabled one
 * is -EINVAL too (transitions complete at once here, so none can be reversed). A patch freed after
 * its disabling has no directory any more: -ENOENT. The patch's free work runs once the write
 * returned.
 */
export function enabled_store(k: Kernel, name: string, enabled: boolean): LoadError | null {
  const err = k.trace.call('enabled_store', () => {
    const patch = klpState(k).patches.find((p) => p.mod.name === name);
    if (!patch) return loadError(ENOENT, 'enabled_store', `no patch ${name}`);
    if (patch.enabled === enabled || enabled) return loadError(EINVAL, 'enabled_store', '');
    return k.trace.call('__klp_disable_patch', () => {
      klp_init_transition(k, patch, 'unpatching', 'bash');
      klp_start_transition(k, patch, 'unpatching', 'bash');
      patch.enabled = false;
      klp_try_complete_transition(k, patch, 'unpatching', 'bash');
      return null;
    });
  });
  run_pending_work(k);
  return err;
}

/** echo 0 > /sys/kernel/livepatch/<patch>/enabled → __klp_disable_patch(). */
export const klp_disable_patch = (k: Kernel, name: string): LoadError | null => enabled_store(k, name, false);

/**
 * /sys/kernel/livepatch as the emulated kernel would show it (klp_init_patch/object/func
 * kobjects and their attributes): the patches, their objects with `patched`, and one directory
 * per function named "<old_name>,<old_sympos or 1>".
 */
export function livepatchSysfs(k: Kernel): Record<string, string | null> {
  const root = '/sys/kernel/livepatch/';
  const out: Record<string, string | null> = { [root]: null };
  for (const patch of klpState(k).patches) {
    const dir = `${root}${patch.mod.name}/`;
    out[dir] = null;
    out[`${dir}enabled`] = patch.enabled ? '1' : '0';
    out[`${dir}transition`] = '0'; // transitions complete at once here
    out[`${dir}force`] = ''; // write-only
    if (k.profile.klpSysfsReplace) out[`${dir}replace`] = patch.replace ? '1' : '0';
    for (const obj of patch.objs) {
      if (obj.dynamic) continue; // NOP objects of a replace have no kobject shown here once discarded
      const o = `${dir}${objectName(obj)}/`;
      out[o] = null;
      out[`${o}patched`] = obj.patched ? '1' : '0';
      for (const f of obj.funcs) if (!f.nop) out[`${o}${f.old_name},${f.old_sympos || 1}/`] = null;
    }
  }
  return out;
}
