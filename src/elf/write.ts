// An ELF64 writer for relocatable objects, made for editing modules (klp-convert): sections
// can change size and new ones can be added, and an unedited object is written back byte for
// byte — same layout, same padding, same trailing signature.
//
// Layout rule: items (section data and the section header table) keep their file order. Until
// the first item whose size changed, every item stays at its original offset and the bytes
// between items are copied from the source; from there on each item goes to the next offset
// that satisfies its alignment, as `ld -r` would place it. New sections go after the last
// original section, before the section header table.
import { SHT_NOBITS, SIZEOF_EHDR, SIZEOF_SHDR } from './constants.ts';
import { sectionBytes } from './section_bytes.ts';
import type { ElfObject, ElfSection } from './types.ts';

export interface EditableSection {
  header: ElfSection;
  /** File contents (empty for SHT_NOBITS). */
  data: Uint8Array;
  /** Where the section was in the source file; undefined for a new section. */
  original?: { offset: number; size: number };
}

export interface EditableElf {
  /** The source file: its ELF header, padding and trailer are reused. */
  source: Uint8Array;
  sections: EditableSection[];
  /** Bytes after the ELF data (a module signature); dropped unless kept. */
  trailer: Uint8Array;
  shstrndx: number;
}

/** `elf.signature` marks where the ELF data ends; without one the trailer is what follows the last item. */
export function toEditable(bytes: Uint8Array, elf: ElfObject): EditableElf {
  const shoff = Number(elf.header.shoff);
  let end = shoff + elf.header.shnum * SIZEOF_SHDR;
  const sections = elf.sections.map((header): EditableSection => {
    const data = sectionBytes(bytes, header).slice();
    if (header.type !== SHT_NOBITS) end = Math.max(end, Number(header.offset) + data.length);
    return { header: { ...header }, data, original: { offset: Number(header.offset), size: data.length } };
  });
  const elfEnd = elf.signature?.elfLength ?? end;
  return { source: bytes, sections, trailer: bytes.slice(elfEnd), shstrndx: elf.header.shstrndx };
}

const alignUp = (n: number, a: number) => (a > 1 ? Math.ceil(n / a) * a : n);

interface Item {
  section?: EditableSection;
  originalOffset: number;
  originalSize: number;
  size: number;
  align: number;
  offset: number;
}

export function writeElf(image: EditableElf, { keepTrailer = true }: { keepTrailer?: boolean } = {}): Uint8Array {
  const src = image.source;
  const srcView = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const originalShoff = Number(srcView.getBigUint64(40, true));
  const originalShnum = srcView.getUint16(60, true);
  const shnum = image.sections.length;

  const placed = image.sections.filter((s) => s.header.index !== 0 && s.header.type !== SHT_NOBITS);
  const items: Item[] = placed
    .filter((s) => s.original)
    .map((s) => ({
      section: s,
      originalOffset: s.original!.offset,
      originalSize: s.original!.size,
      size: s.data.length,
      align: Number(s.header.addralign) || 1,
      offset: 0,
    }))
    .sort((a, b) => a.originalOffset - b.originalOffset || a.section!.header.index - b.section!.header.index);
  const lastOriginal = items.length;
  for (const s of placed.filter((s) => !s.original))
    items.splice(items.length, 0, {
      section: s,
      originalOffset: Number.POSITIVE_INFINITY,
      originalSize: 0,
      size: s.data.length,
      align: Number(s.header.addralign) || 1,
      offset: 0,
    });
  const shdrItem: Item = {
    originalOffset: originalShoff,
    originalSize: originalShnum * SIZEOF_SHDR,
    size: shnum * SIZEOF_SHDR,
    align: 8,
    offset: 0,
  };
  // The header table sits among the original items where it was.
  const at = items.findIndex((it, i) => i >= lastOriginal || it.originalOffset > originalShoff);
  items.splice(at < 0 ? items.length : at, 0, shdrItem);

  // Place: original offsets while nothing before has moved, aligned packing afterwards.
  let cursor = SIZEOF_EHDR;
  let moved = false;
  const gaps: Array<{ to: number; from: number; length: number }> = [];
  for (const it of items) {
    if (!moved && Number.isFinite(it.originalOffset) && it.originalOffset >= cursor) {
      if (it.originalOffset > cursor) gaps.push({ to: cursor, from: cursor, length: it.originalOffset - cursor });
      it.offset = it.originalOffset;
    } else {
      moved = true;
      it.offset = alignUp(cursor, it.align);
    }
    cursor = Math.max(cursor, it.offset + it.size);
    if (it.size !== it.originalSize) moved = true;
  }
  // Between the last item and the trailer, the source may have padding of its own.
  const srcElfEnd = src.length - image.trailer.length;
  const lastOriginalEnd = Math.max(
    ...items.filter((i) => Number.isFinite(i.originalOffset)).map((i) => i.originalOffset + i.originalSize),
  );
  if (!moved && srcElfEnd > cursor && lastOriginalEnd === cursor) {
    gaps.push({ to: cursor, from: cursor, length: srcElfEnd - cursor });
    cursor = srcElfEnd;
  }

  const trailer = keepTrailer ? image.trailer : new Uint8Array(0);
  const out = new Uint8Array(cursor + trailer.length);
  const dv = new DataView(out.buffer);
  out.set(src.subarray(0, SIZEOF_EHDR));
  for (const g of gaps) out.set(src.subarray(g.from, g.from + g.length), g.to);
  for (const it of items) if (it.section) out.set(it.section.data, it.offset);
  out.set(trailer, cursor);

  // NOBITS sections take the offset they would have: after what precedes them in the file.
  for (const s of image.sections) {
    if (s.header.type !== SHT_NOBITS || s.header.index === 0) continue;
    if (!moved && s.original) continue;
    const before = items.filter((it) => it.section && it.section.header.index < s.header.index).at(-1);
    s.header.offset = BigInt(before ? before.offset + before.size : SIZEOF_EHDR);
  }
  for (const it of items) if (it.section) it.section.header.offset = BigInt(it.offset);
  for (const s of image.sections) if (s.header.type !== SHT_NOBITS) s.header.size = BigInt(s.data.length);

  dv.setBigUint64(40, BigInt(shdrItem.offset), true);
  dv.setUint16(60, shnum, true);
  dv.setUint16(62, image.shstrndx, true);
  image.sections.forEach((s, i) => writeSectionHeader(dv, shdrItem.offset + i * SIZEOF_SHDR, s.header));
  return out;
}

function writeSectionHeader(dv: DataView, at: number, h: ElfSection): void {
  dv.setUint32(at, h.nameOffset, true);
  dv.setUint32(at + 4, h.type, true);
  dv.setBigUint64(at + 8, h.flags, true);
  dv.setBigUint64(at + 16, h.addr, true);
  dv.setBigUint64(at + 24, h.offset, true);
  dv.setBigUint64(at + 32, h.size, true);
  dv.setUint32(at + 40, h.link, true);
  dv.setUint32(at + 44, h.info, true);
  dv.setBigUint64(at + 48, h.addralign, true);
  dv.setBigUint64(at + 56, h.entsize, true);
}
