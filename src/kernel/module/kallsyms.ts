// kernel/module/kallsyms.c (6.1): layout_symtab() and add_kallsyms() — the full symbol and
// string tables go at the end of the init layout; a cut-down copy ("core kallsyms": symtab,
// strtab, type table) at the end of the core layout survives init. Livepatch modules keep
// every symbol, because their .klp.rela sections index the symbol table. And what `%pS` prints
// for an address (sprint_symbol(), kernel/kallsyms.c, asking module_address_lookup() here for
// a module's), as the trace titles name patched sites.
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
import { StringTable } from '../../elf/strings.ts';
import type { Kernel } from '../kernel_types.ts';
import { ALIGN32, module_get_offset, module_get_offset_and_type, strict_align } from './layout.ts';
import { mod_find } from './tree_lookup.ts';
import {
  INIT_OFFSET_MASK,
  type LoadInfo,
  MOD_MEM_TYPES,
  type Module,
  type ModuleLayout,
  within,
  within_module_init,
} from './types.ts';

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
function placedInInit(entsize: bigint): boolean {
  if (entsize & INIT_OFFSET_MASK) return true;
  const type = Number(entsize >> 60n);
  return type >= 4 && type <= 6; // MOD_INIT_TEXT, MOD_INIT_DATA, MOD_INIT_RODATA
}

const strtabOf = new WeakMap<LoadInfo, StringTable>();

/**
 * The symbol string table, whose strlen() is answered without a scan (names may share one long
 * string): one per load, for layout_symtab() and add_kallsyms() both.
 */
function symbolStrings(info: LoadInfo): StringTable {
  let t = strtabOf.get(info);
  if (!t) {
    const strsect = info.sechdrs[info.index.str]!;
    strtabOf.set(info, (t = new StringTable(info.bytes.subarray(strsect.offset, strsect.offset + strsect.size))));
  }
  return t;
}

export function layout_symtab(mod: Module, info: LoadInfo): void {
  const symsect = info.sechdrs[info.index.sym]!;
  const strsect = info.sechdrs[info.index.str]!;
  const strtab = symbolStrings(info);
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
      strtab_size += strtab.byteLength(sym.nameOffset) + 1;
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
function elf_type(info: LoadInfo, bind: number, type: number, shndx: number): string {
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

/** KSYM_NAME_LEN before 6.1 (include/linux/kallsyms.h): strlcpy() copies at most one less. */
const KSYM_NAME_LEN_54 = 128;
const INT_MAX = 0x7fffffff;

/**
 * add_kallsyms(): the core copy of the kept symbols, with resolved values. The names go in as
 * one gathered write (AddressSpace.writeGather()): a piece per name, as the kernel's loop copies
 * them, without building the string table — its size is the sum of the kept names' lengths,
 * which shared names can make a thousand times the file.
 */
export function add_kallsyms(k: Kernel, mod: Module, info: LoadInfo): void {
  k.trace.call('add_kallsyms', () => {
    k.trace.step('copy the kept symbols, their names and types into core data', {
      module: mod.name,
      file: 'kernel/module/kallsyms.c',
    });
    const symsec = info.sechdrs[info.index.sym]!;
    const strings = symbolStrings(info);
    const nsrc = Math.floor(symsec.size / SIZEOF_SYM);
    const base = mod.mem ? mod.mem.MOD_DATA.base : mod.core_layout.base;
    const initBase = mod.mem ? mod.mem.MOD_INIT_DATA.base : mod.init_layout.base;
    const src = info.bytes.subarray(symsec.offset, symsec.offset + nsrc * SIZEOF_SYM);
    const strlcpy = k.profile.kallsymsNameCopy === 'strlcpy';
    // kept entries and types packed at the front of buffers sized for every symbol
    const symtab = new Uint8Array(nsrc * SIZEOF_SYM);
    const symDv = new DataView(symtab.buffer);
    // per kept name: its piece and the NUL after it
    const pieces = new Float64Array(6 * nsrc);
    let npieces = 0;
    const piece = (dst: number, from: number, len: number) => {
      if (len <= 0) return;
      pieces[3 * npieces] = dst;
      pieces[3 * npieces + 1] = from;
      pieces[3 * npieces + 2] = len;
      npieces++;
    };
    // strtab_size = info->core_typeoffs - info->stroffs: what strscpy() may still write
    let room = info.core_typeoffs - info.stroffs;
    if (room < 0) room += 2 ** 64; // unsigned long: a wrapped layout makes it huge
    let s = 0;
    const types = new Uint8Array(nsrc);
    const initTypes = new Uint8Array(nsrc);
    let ndst = 0;
    const syms = info.elf.symbols;
    for (let i = 0; i < nsrc && i < syms.length; i++) {
      const sym = syms[i]!;
      const t = elf_type(info, sym.bind, sym.type, sym.shndx).charCodeAt(0);
      initTypes[sym.index] = t;
      if (!(sym.index === 0 || mod.klp || is_core_symbol(info, sym.shndx, sym.nameOffset))) continue;
      const at = ndst * SIZEOF_SYM;
      symtab.set(src.subarray(sym.index * SIZEOF_SYM, (sym.index + 1) * SIZEOF_SYM), at);
      symDv.setUint32(at, s, true);
      symDv.setBigUint64(at + 8, mod.symbolValues[sym.index]!, true);
      types[ndst] = t;
      ndst++;
      const len = strings.byteLength(sym.nameOffset);
      if (strlcpy) {
        // s += strlcpy(s, name, KSYM_NAME_LEN) + 1
        const copied = Math.min(len, KSYM_NAME_LEN_54 - 1);
        piece(s, sym.nameOffset, copied);
        piece(s + copied, -1, 1);
        s += len + 1;
        continue;
      }
      // ret = strscpy(s, name, strtab_size); if (ret < 0) break; s += ret + 1; strtab_size -= ret + 1
      if (room === 0) break;
      if (room > INT_MAX) {
        // strscpy(): `if (count == 0 || WARN_ON_ONCE(count > INT_MAX)) return -E2BIG;`
        k.trace.printk('warn', `WARNING: strscpy: count > INT_MAX (add_kallsyms: ${mod.name})`);
        break;
      }
      const copied = Math.min(len, room - 1);
      piece(s, sym.nameOffset, copied);
      piece(s + copied, -1, 1);
      if (copied < len) break;
      s += len + 1;
      room -= len + 1;
    }
    k.mem.write(base + BigInt(info.symoffs), symtab.slice(0, ndst * SIZEOF_SYM), 'memcpy', {
      what: `core_kallsyms.symtab (${ndst} symbols)`,
    });
    const last = npieces - 1;
    k.mem.writeGather(
      base + BigInt(info.stroffs),
      {
        src: strings.table,
        pieces,
        count: npieces,
        length: npieces ? pieces[3 * last]! + pieces[3 * last + 2]! : 0,
      },
      'memcpy',
      'core_kallsyms.strtab',
    );
    k.mem.write(base + BigInt(info.core_typeoffs), types.slice(0, ndst), 'memcpy', { what: 'core_kallsyms.typetab' });
    if (initBase)
      k.mem.write(initBase + BigInt(info.init_typeoffs), initTypes, 'memcpy', { what: 'kallsyms typetab (init)' });
    mod.core_kallsyms = { symtab: base + BigInt(info.symoffs), num_symtab: ndst };
  });
}

/** is_mapping_symbol() (include/linux/module_symbol.h): `.L…`, `L0…` and `$…` names. */
const is_mapping_symbol = (name: string) => name.startsWith('.L') || name.startsWith('L0') || name.startsWith('$');

/**
 * find_kallsyms_symbol() (kernel/module/kallsyms.c): the module symbol at or below addr in the
 * allocation (≤ 6.3: the layout) that holds addr, and its size up to the next symbol (or the end
 * of that memory) — what kallsyms_lookup_size_offset() answers for a module address. The
 * symbols are mod->kallsyms: every symbol while the module is coming, the kept core ones once
 * it is LIVE (all of them for a livepatch). Unnamed and mapping symbols are skipped.
 */
export function find_kallsyms_symbol(
  mod: Module,
  addr: bigint,
): { name: string; value: bigint; size: bigint; offset: bigint } | undefined {
  let base: bigint;
  let size: number;
  if (mod.mem) {
    const t = MOD_MEM_TYPES.find((t) => within(addr, mod.mem![t].base, mod.mem![t].size));
    if (!t) return undefined;
    ({ base, size } = mod.mem[t]);
  } else {
    const l = within_module_init(addr, mod) ? mod.init_layout : mod.core_layout;
    ({ base, size } = l);
  }
  const info = mod.info;
  let nextval = base + BigInt(size);
  let bestval = base - 1n;
  let best: { name: string; value: bigint } | undefined;
  for (const sym of info.elf.symbols) {
    if (sym.index === 0 || sym.shndx === SHN_UNDEF || !sym.name || is_mapping_symbol(sym.name)) continue;
    if (mod.state === 'LIVE' && !mod.klp && !is_core_symbol(info, sym.shndx, sym.nameOffset)) continue;
    const v = mod.symbolValues[sym.index]!;
    if (v <= addr && v > bestval) {
      best = { name: sym.name, value: v };
      bestval = v;
    }
    if (v > addr && v < nextval) nextval = v;
  }
  return best && { ...best, size: nextval - bestval, offset: addr - bestval };
}

/**
 * A name for addr, for trace titles: the vmlinux symbol there, else the module and the offset
 * in its region (the emulator names a module address without the module's own symbols).
 */
export function symbolic(k: Kernel, addr: bigint): string {
  const at = k.vmlinux.at(addr)[0];
  if (at) return at.name;
  const m = mod_find(k, addr);
  if (m) {
    if (m.mem) {
      const t = MOD_MEM_TYPES.find((t) => within(addr, m.mem![t].base, m.mem![t].size))!;
      return `${m.name}+${t}:0x${(addr - m.mem[t].base).toString(16)}`;
    }
    const init = within_module_init(addr, m);
    const base = init ? m.init_layout.base : m.core_layout.base;
    return `${m.name}+${init ? 'init:' : ''}0x${(addr - base).toString(16)}`;
  }
  return `0x${addr.toString(16)}`;
}

/**
 * symbolic() for a write's description, which only a recorded write keeps: the command line's
 * loads record none, and a big module has thousands of such sites.
 */
export const siteName = (k: Kernel, addr: bigint): string => (k.mem.recordWrites ? symbolic(k, addr) : '');
