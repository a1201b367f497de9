// Editing helpers shared by the ELF rewriters (klp-convert, klp packaging): relocation entries
// as plain records, symbol table and string table encoding, and renumbering the section table
// after sections were removed, added or reordered.
//
// Index convention: while an image is edited, every index (sh_link, sh_info, st_shndx) names a
// section by its ORIGINAL index; sections added during the edit get fresh provisional indices
// (>= the original count, see `nextIndex`). `renumberSections()` then maps all of them to their
// final place in one pass.
import { SHF_INFO_LINK, SHN_LORESERVE, SHT_REL, SHT_RELA, SIZEOF_RELA, SIZEOF_SYM, STB_LOCAL } from './constants.ts';
import type { ElfRelocationSection, ElfSection, ElfSymbol } from './types.ts';
import type { EditableElf, EditableSection } from './write.ts';

/** One Elf64_Rela. */
export interface RelaEntry {
  offset: bigint;
  type: number;
  symbol: number;
  addend: bigint;
}

export function relaEntries(rel: ElfRelocationSection): RelaEntry[] {
  return Array.from({ length: rel.count }, (_, i) => ({
    offset: rel.offsets[i]!,
    type: rel.types[i]!,
    symbol: rel.symbols[i]!,
    addend: rel.addends[i]!,
  }));
}

export function encodeRela(entries: readonly RelaEntry[]): Uint8Array {
  const data = new Uint8Array(entries.length * SIZEOF_RELA);
  const dv = new DataView(data.buffer);
  entries.forEach((e, k) => {
    const p = k * SIZEOF_RELA;
    dv.setBigUint64(p, e.offset, true);
    dv.setUint32(p + 8, e.type, true);
    dv.setUint32(p + 12, e.symbol, true);
    dv.setBigInt64(p + 16, e.addend, true);
  });
  return data;
}

export function encodeSymbols(symbols: readonly ElfSymbol[]): Uint8Array {
  const data = new Uint8Array(symbols.length * SIZEOF_SYM);
  const dv = new DataView(data.buffer);
  symbols.forEach((s, k) => {
    const p = k * SIZEOF_SYM;
    dv.setUint32(p, s.nameOffset, true);
    data[p + 4] = (s.bind << 4) | s.type;
    data[p + 5] = s.other;
    dv.setUint16(p + 6, s.shndx, true);
    dv.setBigUint64(p + 8, s.value, true);
    dv.setBigUint64(p + 16, s.size, true);
  });
  return data;
}

/** sh_info of a SHT_SYMTAB: one greater than the last local symbol's index. */
export function firstNonLocal(symbols: readonly ElfSymbol[]): number {
  const i = symbols.findIndex((s) => s.bind !== STB_LOCAL);
  return i < 0 ? symbols.length : i;
}

/** An append-only string table (.strtab, .shstrtab): existing offsets stay valid. */
export class StringTableBuilder {
  private readonly extra: number[] = [];
  private size: number;
  constructor(private readonly initial: Uint8Array) {
    this.size = initial.length;
  }
  add(s: string): number {
    const at = this.size;
    const enc = new TextEncoder().encode(`${s}\0`);
    this.extra.push(...enc);
    this.size += enc.length;
    return at;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    out.set(this.initial);
    out.set(this.extra, this.initial.length);
    return out;
  }
}

/** A section header with the usual defaults; `index` must be set by the caller (provisional). */
export function sectionHeader(
  h: Partial<ElfSection> & Pick<ElfSection, 'name' | 'nameOffset' | 'type' | 'index'>,
): ElfSection {
  return { flags: 0n, addr: 0n, offset: 0n, size: 0n, link: 0, info: 0, addralign: 1n, entsize: 0n, ...h };
}

/** A fresh provisional index for a section added to `image`. */
export function nextIndex(image: EditableElf): number {
  return Math.max(image.sections.length, ...image.sections.map((s) => s.header.index)) + 1;
}

const linksBySectionInfo = (h: ElfSection) =>
  h.type === SHT_RELA || h.type === SHT_REL || (h.flags & SHF_INFO_LINK) !== 0n;

/**
 * Make `order` the section table: every header's sh_link / sh_info (when it names a section)
 * and every defined symbol's st_shndx are mapped from the index the section had (original or
 * provisional) to its position in `order`; indices of sections left out become 0. The symbols
 * are changed in place; returns the mapping.
 */
export function renumberSections(
  image: EditableElf,
  order: EditableSection[],
  symbols?: ElfSymbol[],
): (index: number) => number {
  const map = new Map(order.map((s, i) => [s.header.index, i]));
  const to = (index: number) => map.get(index) ?? 0;
  for (const [i, s] of order.entries()) {
    const h = s.header;
    if (i > 0) {
      if (h.link) h.link = to(h.link);
      if (linksBySectionInfo(h)) h.info = to(h.info);
    }
  }
  if (symbols) for (const sym of symbols) if (sym.shndx > 0 && sym.shndx < SHN_LORESERVE) sym.shndx = to(sym.shndx);
  image.shstrndx = to(image.shstrndx);
  for (const [i, s] of order.entries()) s.header.index = i;
  image.sections = order;
  return to;
}
