// The relocation half of kernel/livepatch/core.c (6.1): klp_apply_section_relocs(),
// klp_resolve_symbols() and klp_find_object_symbol(). The loader calls the first for every
// SHF_RELA_LIVEPATCH section; livepatch calls it again when the object it names arrives.

import { SHN_LIVEPATCH, SHN_UNDEF, SIZEOF_SYM } from '../../elf/constants.ts';
import { parseKlpRelaName, parseKlpSymbolName } from '../../elf/klp_names.ts';
import { apply_relocate_add } from '../arch/x86/module.ts';
import { EINVAL } from '../errno.ts';
import type { Kernel } from '../kernel.ts';
import { type LoadError, loadError } from '../load_error.ts';
import { is_core_symbol } from '../module/kallsyms.ts';
import { relaSection } from '../module/rela.ts';
import type { LoadInfo, Module } from '../module/types.ts';

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
      if (mod.state === 'UNFORMED' || mod.state === 'GONE' || mod.name !== objname) continue;
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
export function klp_resolve_symbols(
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
    // 5.8, "livepatch: Prevent module-specific KLP rela sections from referencing vmlinux symbols"
    if (k.profile.klpLateRelocs === 'text_poke' && !sec_vmlinux && sym_vmlinux)
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
      file: 'kernel/livepatch/core.c',
    });
    const err = k.trace.call('klp_resolve_symbols', () => klp_resolve_symbols(k, pmod, info, relsec, parsed.object));
    if (err) return err;
    return k.trace.call('apply_relocate_add', () => apply_relocate_add(k, pmod, info, relsec));
  });
}
