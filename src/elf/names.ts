// Human names for ELF values, spelled as binutils' readelf spells them (readelf.c), so that
// what klp-lab shows can be compared with `readelf -W` line by line.
import { hex } from '../format/hex.ts';
import {
  EM_X86_64,
  SHF_EXCLUDE,
  SHF_MASKOS,
  SHF_MASKPROC,
  SHF_RELA_LIVEPATCH,
  SHF_RO_AFTER_INIT,
  SHF_X86_64_LARGE,
  SHN_ABS,
  SHN_COMMON,
  SHN_HIOS,
  SHN_HIPROC,
  SHN_LIVEPATCH,
  SHN_LOOS,
  SHN_LOPROC,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHN_X86_64_LCOMMON,
  SHN_XINDEX,
} from './constants.ts';

const sectionTypes: Record<number, string> = {
  0: 'NULL',
  1: 'PROGBITS',
  2: 'SYMTAB',
  3: 'STRTAB',
  4: 'RELA',
  5: 'HASH',
  6: 'DYNAMIC',
  7: 'NOTE',
  8: 'NOBITS',
  9: 'REL',
  10: 'SHLIB',
  11: 'DYNSYM',
  14: 'INIT_ARRAY',
  15: 'FINI_ARRAY',
  16: 'PREINIT_ARRAY',
  17: 'GROUP',
  18: 'SYMTAB SECTION INDICES',
  19: 'RELR',
  1879002112: 'LLVM_ODRTAB',
  1879002115: 'LLVM_ADDRSIG',
  1879048181: 'GNU_ATTRIBUTES',
  1879048182: 'GNU_HASH',
  1879048183: 'GNU_LIBLIST',
  1879048184: 'CHECKSUM',
  1879048189: 'VERDEF',
  1879048190: 'VERNEED',
  1879048191: 'VERSYM',
  1879048193: 'X86_64_UNWIND',
};

export function sectionTypeName(type: number): string {
  const name = sectionTypes[type];
  if (name) return name;
  if (type >= 0x60000000 && type <= 0x6fffffff) return `LOOS+0x${hex(type - 0x60000000)}`;
  if (type >= 0x70000000 && type <= 0x7fffffff) return `LOPROC+0x${hex(type - 0x70000000)}`;
  if (type >>> 0 >= 0x80000000 && type >>> 0 <= 0xffffffff) return `LOUSER+0x${hex((type >>> 0) - 0x80000000)}`;
  return `<unknown>: ${hex(type)}`;
}

// One entry per sh_flags bit, lowest first, as readelf walks them.
const flagBits: Array<{ bit: bigint; letter: string; name: string }> = [
  { bit: 0x1n, letter: 'W', name: 'WRITE' },
  { bit: 0x2n, letter: 'A', name: 'ALLOC' },
  { bit: 0x4n, letter: 'X', name: 'EXEC' },
  { bit: 0x10n, letter: 'M', name: 'MERGE' },
  { bit: 0x20n, letter: 'S', name: 'STRINGS' },
  { bit: 0x40n, letter: 'I', name: 'INFO LINK' },
  { bit: 0x80n, letter: 'L', name: 'LINK ORDER' },
  { bit: 0x100n, letter: 'O', name: 'OS NONCONF' },
  { bit: 0x200n, letter: 'G', name: 'GROUP' },
  { bit: 0x400n, letter: 'T', name: 'TLS' },
  { bit: 0x800n, letter: 'C', name: 'COMPRESSED' },
  { bit: SHF_EXCLUDE, letter: 'E', name: 'EXCLUDE' },
];

/**
 * readelf's one-letter flags (W A X M S I L O G T C x o E l p). For the OS range readelf prints
 * one `o` for all OS bits together (and `R` for GNU_RETAIN); SHF_RELA_LIVEPATCH is the `o` a
 * reader of a .klp.rela section sees.
 */
export function sectionFlagLetters(flags: bigint, machine = EM_X86_64): string {
  let out = '';
  let rest = flags;
  while (rest !== 0n) {
    const bit = rest & -rest;
    rest &= ~bit;
    const known = flagBits.find((f) => f.bit === bit);
    if (known) out += known.letter;
    else if (bit === SHF_RO_AFTER_INIT) out += 'R';
    else if (machine === EM_X86_64 && bit === SHF_X86_64_LARGE) out += 'l';
    else if (bit & SHF_MASKOS) {
      out += 'o';
      rest &= ~SHF_MASKOS;
    } else if (bit & SHF_MASKPROC) {
      out += 'p';
      rest &= ~SHF_MASKPROC;
    } else out += 'x';
  }
  return out;
}

/** Every set flag by name, the kernel's own meanings included. */
export function sectionFlagNames(flags: bigint, machine = EM_X86_64): string[] {
  const names: string[] = [];
  let rest = flags;
  while (rest !== 0n) {
    const bit = rest & -rest;
    rest &= ~bit;
    const known = flagBits.find((f) => f.bit === bit);
    if (known) names.push(known.name);
    else if (bit === SHF_RELA_LIVEPATCH) names.push('RELA_LIVEPATCH');
    else if (bit === SHF_RO_AFTER_INIT) names.push('RO_AFTER_INIT');
    else if (machine === EM_X86_64 && bit === SHF_X86_64_LARGE) names.push('X86_64_LARGE');
    else names.push(`0x${hex(bit)}`);
  }
  return names;
}

const symbolTypes = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'COMMON', 'TLS'];

export function symbolTypeName(type: number): string {
  if (type < symbolTypes.length) return symbolTypes[type]!;
  if (type === 10) return 'IFUNC';
  if (type >= 13) return `<processor specific>: ${type}`;
  return `<OS specific>: ${type}`;
}

export function symbolBindName(bind: number): string {
  if (bind === 0) return 'LOCAL';
  if (bind === 1) return 'GLOBAL';
  if (bind === 2) return 'WEAK';
  if (bind === 10) return 'UNIQUE';
  if (bind >= 13) return `<processor specific>: ${bind}`;
  return `<OS specific>: ${bind}`;
}

export function symbolVisibilityName(visibility: number): string {
  return ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'][visibility & 3]!;
}

/** A name for st_shndx values that are not section indices; undefined for ordinary ones. */
export function specialSectionIndexName(shndx: number): string | undefined {
  if (shndx === SHN_UNDEF) return 'UND';
  if (shndx === SHN_ABS) return 'ABS';
  if (shndx === SHN_COMMON) return 'COM';
  if (shndx === SHN_LIVEPATCH) return 'LIVEPATCH';
  if (shndx === SHN_XINDEX) return 'XINDEX';
  if (shndx === SHN_X86_64_LCOMMON) return 'LARGE_COM';
  if (shndx >= SHN_LOPROC && shndx <= SHN_HIPROC) return `PRC[0x${hex(shndx)}]`;
  if (shndx >= SHN_LOOS && shndx <= SHN_HIOS) return `OS [0x${hex(shndx)}]`;
  if (shndx >= SHN_LORESERVE) return `RSV[0x${hex(shndx)}]`;
  return undefined;
}

/** readelf's spelling of st_shndx: UND, ABS, COM, `OS [0xff20]` (SHN_LIVEPATCH) or the number. */
export function readelfSectionIndex(shndx: number): string {
  if (shndx === SHN_LIVEPATCH) return `OS [0x${hex(shndx)}]`;
  return specialSectionIndexName(shndx) ?? String(shndx);
}

// arch/x86/include/asm/elf.h / binutils include/elf/x86-64.h
const x86_64Relocations = [
  'R_X86_64_NONE',
  'R_X86_64_64',
  'R_X86_64_PC32',
  'R_X86_64_GOT32',
  'R_X86_64_PLT32',
  'R_X86_64_COPY',
  'R_X86_64_GLOB_DAT',
  'R_X86_64_JUMP_SLOT',
  'R_X86_64_RELATIVE',
  'R_X86_64_GOTPCREL',
  'R_X86_64_32',
  'R_X86_64_32S',
  'R_X86_64_16',
  'R_X86_64_PC16',
  'R_X86_64_8',
  'R_X86_64_PC8',
  'R_X86_64_DTPMOD64',
  'R_X86_64_DTPOFF64',
  'R_X86_64_TPOFF64',
  'R_X86_64_TLSGD',
  'R_X86_64_TLSLD',
  'R_X86_64_DTPOFF32',
  'R_X86_64_GOTTPOFF',
  'R_X86_64_TPOFF32',
  'R_X86_64_PC64',
  'R_X86_64_GOTOFF64',
  'R_X86_64_GOTPC32',
  'R_X86_64_GOT64',
  'R_X86_64_GOTPCREL64',
  'R_X86_64_GOTPC64',
  'R_X86_64_GOTPLT64',
  'R_X86_64_PLTOFF64',
  'R_X86_64_SIZE32',
  'R_X86_64_SIZE64',
  'R_X86_64_GOTPC32_TLSDESC',
  'R_X86_64_TLSDESC_CALL',
  'R_X86_64_TLSDESC',
  'R_X86_64_IRELATIVE',
  'R_X86_64_RELATIVE64',
  undefined,
  undefined,
  'R_X86_64_GOTPCRELX',
  'R_X86_64_REX_GOTPCRELX',
];

export function relocationTypeName(machine: number, type: number): string {
  if (machine === EM_X86_64) {
    const name = x86_64Relocations[type];
    if (name) return name;
  }
  return `unrecognized: ${hex(type)}`;
}

export const machineNames: Record<number, string> = {
  3: 'Intel 80386',
  62: 'Advanced Micro Devices X86-64',
  183: 'AArch64',
  21: 'PowerPC64',
  22: 'IBM S/390',
  243: 'RISC-V',
};

export function elfTypeName(type: number): string {
  return (
    ['NONE (None)', 'REL (Relocatable file)', 'EXEC (Executable file)', 'DYN (Shared object file)', 'CORE (Core file)'][
      type
    ] ?? `<unknown>: ${hex(type)}`
  );
}
