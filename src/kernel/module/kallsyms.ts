// layout_symtab() and add_kallsyms() of kernel/module/kallsyms.c (6.1): the full symbol and
// string tables go at the end of the init layout; a cut-down copy ("core kallsyms": symtab,
// strtab, type table) at the end of the core layout survives init. Livepatch modules keep
// every symbol, because their .klp.rela sections index the symbol table.
import {
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_ABS,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHT_NOBITS,
  SIZEOF_SYM,
  STB_WEAK,
  STT_OBJECT,
} from '../../elf/constants.ts';
import { ALIGN32, module_get_offset, module_get_offset_and_type, strict_align } from './layout.ts';
import { INIT_OFFSET_MASK, type LoadInfo, type Module, type ModuleLayout } from './types.ts';

const SIZEOF_MOD_KALLSYMS = 32; // struct mod_kallsyms { Elf_Sym *symtab; unsigned num_symtab; char *strtab; char *typetab; }
const ALIGNOF_MOD_KALLSYMS = 8;

/** is_core_symbol() with CONFIG_KALLSYMS_ALL=y (Debian's configuration). */
export function is_core_symbol(info: LoadInfo, shndx: number, nameOffset: number): boolean {
  if (shndx === SHN_UNDEF || shndx >= info.sechdrs.length || nameOffset === 0) return false;
  if (shndx === info.index.pcpu) return true;
  const sec = info.sechdrs[shndx]!;
  return (sec.flags & SHF_ALLOC) !== 0n && !placedInInit(sec.entsize);
}

/** Init placement in either encoding: INIT_OFFSET_MASK (≤ 6.3) or an init mod_mem_type (6.4+). */
export function placedInInit(entsize: bigint): boolean {
  if (entsize & INIT_OFFSET_MASK) return true;
  const type = Number(entsize >> 60n);
  return type >= 4 && type <= 6; // MOD_INIT_TEXT, MOD_INIT_DATA, MOD_INIT_RODATA
}

function strlenAt(bytes: Uint8Array, at: number): number {
  const end = bytes.indexOf(0, at);
  return (end < 0 ? bytes.length : end) - at;
}

export function layout_symtab(mod: Module, info: LoadInfo): void {
  const symsect = info.sechdrs[info.index.sym]!;
  const strsect = info.sechdrs[info.index.str]!;
  const strtab = info.bytes.subarray(strsect.offset, strsect.offset + strsect.size);
  // ≤ 6.3: the end of the core and init layouts, page-aligned; 6.4+: MOD_DATA and MOD_INIT_DATA
  const mem = mod.mem;
  const core = mem ? mem.MOD_DATA : mod.core_layout;
  const init = mem ? mem.MOD_INIT_DATA : mod.init_layout;
  const placeInInit = (addralign: bigint, size: bigint) =>
    mem
      ? module_get_offset_and_type(mod, 'MOD_INIT_DATA', addralign, size)
      : BigInt(module_get_offset(init as ModuleLayout, addralign)(size)) | INIT_OFFSET_MASK;
  const align = mem ? (n: number) => n : strict_align;

  symsect.flags |= SHF_ALLOC;
  symsect.entsize = placeInInit(symsect.addralign64, symsect.size64);

  const nsrc = Math.floor(symsect.size / SIZEOF_SYM);
  let ndst = 0;
  let strtab_size = 0;
  for (const sym of info.elf.symbols.slice(0, nsrc)) {
    if (sym.index === 0 || mod.klp || is_core_symbol(info, sym.shndx, sym.nameOffset)) {
      strtab_size += strlenAt(strtab, sym.nameOffset) + 1;
      ndst++;
    }
  }

  // unsigned int arithmetic, as in the kernel
  info.symoffs = ALIGN32(core.size, symsect.addralign64 || 1n);
  info.stroffs = core.size = (info.symoffs + ndst * SIZEOF_SYM) >>> 0;
  core.size = (core.size + strtab_size) >>> 0;
  info.core_typeoffs = core.size;
  core.size = (core.size + ndst) >>> 0;
  core.size = align(core.size);

  strsect.flags |= SHF_ALLOC;
  strsect.entsize = placeInInit(strsect.addralign64, strsect.size64);

  init.size = ALIGN32(init.size, BigInt(ALIGNOF_MOD_KALLSYMS));
  info.mod_kallsyms_init_off = init.size;
  init.size = (init.size + SIZEOF_MOD_KALLSYMS) >>> 0;
  info.init_typeoffs = init.size;
  init.size = (init.size + nsrc) >>> 0;
  init.size = align(init.size);
}

/** elf_type(): the letter /proc/kallsyms shows for a module symbol. */
export function elf_type(info: LoadInfo, bind: number, type: number, shndx: number): string {
  if (bind === STB_WEAK) return type === STT_OBJECT ? 'v' : 'w';
  if (shndx === SHN_UNDEF) return 'U';
  if (shndx === SHN_ABS || shndx === info.index.pcpu) return 'a';
  if (shndx >= SHN_LORESERVE) return '?';
  const sec = info.sechdrs[shndx];
  if (!sec) return '?';
  if (sec.flags & SHF_EXECINSTR) return 't';
  if (sec.flags & SHF_ALLOC && sec.type !== SHT_NOBITS) return sec.flags & SHF_WRITE ? 'd' : 'r';
  if (sec.type === SHT_NOBITS) return 'b';
  if (sec.name.startsWith('.debug')) return 'n';
  return '?';
}
