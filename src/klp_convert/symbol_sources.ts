// Where klp-convert looks symbols up: every object a livepatch may refer to (vmlinux and
// modules), each with its symbol names in kallsyms order. klp_find_object_symbol()
// (kernel/livepatch/core.c, 6.1) counts same-named symbols in that order to resolve
// `.klp.sym.<obj>.<name>,<sympos>`, so the converter must count the same way.
import { SHF_ALLOC, SHN_LORESERVE, SHN_UNDEF } from '../elf/constants.ts';
import type { ElfObject } from '../elf/types.ts';

export interface SymbolSource {
  /** "vmlinux" or a module name (modinfo name=). */
  object: string;
  /** Names in kallsyms order, repeats included. */
  names: string[];
}

/** /proc/kallsyms text ("address type name" or "address type name\t[module]"): vmlinux lines only. */
export function vmlinuxFromKallsyms(text: string): SymbolSource {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^[0-9a-f]+ \S (\S+)(\s+\[\S+\])?\s*$/.exec(line);
    if (m && !m[2]) names.push(m[1]!);
  }
  return { object: 'vmlinux', names };
}

/**
 * A module's kallsyms as the loaded module would list them after its init is freed: what
 * layout_symtab()/add_kallsyms() keep (is_core_symbol(), kernel/module/kallsyms.c 6.1, with
 * CONFIG_KALLSYMS_ALL=y as Debian builds it): named, defined in an SHF_ALLOC section that is not
 * an init section, in symbol-table order.
 */
export function moduleSymbolSource(elf: ElfObject): SymbolSource {
  const object = elf.modinfo.find((e) => e.key === 'name')?.value ?? elf.fileName.replace(/\.ko.*$/, '');
  const names: string[] = [];
  for (const s of elf.symbols) {
    if (s.shndx === SHN_UNDEF || s.shndx >= SHN_LORESERVE || s.shndx >= elf.sections.length || s.name === '') continue;
    const sec = elf.sections[s.shndx]!;
    if ((sec.flags & SHF_ALLOC) === 0n || sec.name.startsWith('.init')) continue;
    names.push(s.name);
  }
  return { object, names };
}
