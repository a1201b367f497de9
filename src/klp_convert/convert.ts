// klp-convert, after the upstream series of the same name (scripts/livepatch/klp-convert.c,
// v7, never merged): turns a livepatch module as kbuild builds it — references to symbols no
// object exports left undefined — into the format of Documentation/livepatch/module-elf-format.rst:
//  - each such symbol becomes `.klp.sym.<obj>.<name>,<sympos>` with st_shndx = SHN_LIVEPATCH,
//    at its place in the symbol table (relocations index it);
//  - each relocation against one moves from `.rela<sec>` to `.klp.rela.<obj>.<sec>`, an
//    SHT_RELA section flagged SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH;
//  - the KLP_MODULE_RELOC annotation sections are consumed and removed.
// A symbol is left to the module loader when modpost found it exported: it has a `__versions`
// entry (CONFIG_MODVERSIONS) or is in `exported`.
import {
  SHF_ALLOC,
  SHF_INFO_LINK,
  SHF_RELA_LIVEPATCH,
  SHN_LIVEPATCH,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHT_RELA,
  SHT_SYMTAB_SHNDX,
  SIZEOF_RELA,
  SIZEOF_SYM,
  STB_LOCAL,
} from '../elf/constants.ts';
import { sectionBytes } from '../elf/section_bytes.ts';
import { cString } from '../elf/strings.ts';
import type { ElfObject, ElfSection, ElfSymbol } from '../elf/types.ts';
import { toEditable, writeElf, type EditableSection } from '../elf/write.ts';
import { readAnnotations } from './annotations.ts';
import type { SymbolSource } from './symbol_sources.ts';

export interface ConvertOptions {
  /** vmlinux and every module the patch may refer to. */
  sources: SymbolSource[];
  /** Names the module loader resolves (Module.symvers), beyond the module's own __versions. */
  exported?: Iterable<string>;
}

export interface ConvertedSymbol {
  name: string;
  object: string;
  sympos: number;
  klpName: string;
  /** Index in the converted symbol table. */
  index: number;
}

export type ConvertResult =
  | { ok: true; bytes: Uint8Array; symbols: ConvertedSymbol[]; klpSections: string[] }
  | { ok: false; error: string };

const SIZEOF_MODVERSION_INFO = 64; // struct modversion_info { unsigned long crc; char name[56]; }

/** Names modpost found exported: the `__versions` table it wrote into the module. */
export function versionedSymbols(bytes: Uint8Array, elf: ElfObject): Set<string> {
  const sec = elf.sections.find((s) => s.name === '__versions');
  const names = new Set<string>();
  if (!sec) return names;
  const data = sectionBytes(bytes, sec);
  for (let p = 0; p + SIZEOF_MODVERSION_INFO <= data.length; p += SIZEOF_MODVERSION_INFO)
    names.add(cString(data.subarray(p + 8, p + SIZEOF_MODVERSION_INFO), 0));
  return names;
}

function countIn(source: SymbolSource, name: string): number {
  let n = 0;
  for (const s of source.names) if (s === name) n++;
  return n;
}

export function klpConvert(bytes: Uint8Array, elf: ElfObject, options: ConvertOptions): ConvertResult {
  if (elf.symtabIndex === 0) return { ok: false, error: `${elf.fileName}: no symbol table` };
  if (elf.sections.some((s) => s.type === SHT_SYMTAB_SHNDX))
    return { ok: false, error: `${elf.fileName}: extended section indices are not supported` };
  if (elf.relocations.some((r) => r.klp)) return { ok: false, error: `${elf.fileName}: already has .klp.rela sections` };

  const exported = new Set([...versionedSymbols(bytes, elf), ...(options.exported ?? [])]);
  const { annotations, sections: annotationSections } = readAnnotations(bytes, elf);
  const removedSections = new Set(annotationSections);
  const byObject = new Map(options.sources.map((s) => [s.object, s]));

  // 1. Which undefined symbols become livepatch symbols, and which object/sympos each is.
  const targets = new Map<number, { object: string; sympos: number }>();
  for (const sym of elf.symbols) {
    if (sym.index === 0 || sym.shndx !== SHN_UNDEF || sym.name === '' || exported.has(sym.name)) continue;
    const note = annotations.find((a) => a.symbolIndex === sym.index);
    if (note) {
      const source = byObject.get(note.object);
      const count = source ? countIn(source, sym.name) : 0;
      if (!source) return { ok: false, error: `${sym.name}: annotated for unknown object '${note.object}'` };
      if (note.sympos === 0 ? count !== 1 : note.sympos > count)
        return {
          ok: false,
          error: `${sym.name}: object '${note.object}' has ${count} such symbol(s), annotation asks for position ${note.sympos}`,
        };
      targets.set(sym.index, { object: note.object, sympos: note.sympos });
      continue;
    }
    const found = options.sources.map((s) => ({ object: s.object, count: countIn(s, sym.name) })).filter((f) => f.count > 0);
    if (found.length === 0)
      return { ok: false, error: `${sym.name}: not exported and not found in ${options.sources.map((s) => s.object).join(', ')}` };
    if (found.length > 1 || found[0]!.count > 1)
      return {
        ok: false,
        error: `${sym.name}: ambiguous (${found.map((f) => `${f.count} in ${f.object}`).join(', ')}); say which with KLP_MODULE_RELOC`,
      };
    targets.set(sym.index, { object: found[0]!.object, sympos: 0 });
  }

  // 2. Sections: annotation sections go, the rest keep their order; new ones come last.
  const image = toEditable(bytes, elf);
  image.trailer = new Uint8Array(0);
  const sectionMap = new Map<number, number>();
  const kept: EditableSection[] = [];
  for (const s of image.sections) {
    if (removedSections.has(s.header.index)) continue;
    sectionMap.set(s.header.index, kept.length);
    kept.push(s);
  }
  const newSectionIndex = (old: number) => sectionMap.get(old) ?? 0;

  // 3. Symbols: drop those defined in removed sections, rename the converted ones.
  const symtabOld = elf.sections[elf.symtabIndex]!;
  const strtab = image.sections[symtabOld.link]!;
  const strtabExtra: number[] = [];
  let strtabSize = strtab.data.length;
  const addString = (s: string) => {
    const at = strtabSize;
    const enc = new TextEncoder().encode(s + '\0');
    strtabExtra.push(...enc);
    strtabSize += enc.length;
    return at;
  };
  const symbolMap = new Map<number, number>();
  const newSymbols: ElfSymbol[] = [];
  const converted: ConvertedSymbol[] = [];
  for (const sym of elf.symbols) {
    if (sym.shndx > 0 && sym.shndx < SHN_LORESERVE && removedSections.has(sym.shndx)) continue;
    const copy = { ...sym };
    if (copy.shndx > 0 && copy.shndx < SHN_LORESERVE) copy.shndx = newSectionIndex(copy.shndx);
    const target = targets.get(sym.index);
    if (target) {
      const klpName = `.klp.sym.${target.object}.${sym.name},${target.sympos}`;
      copy.nameOffset = addString(klpName);
      copy.name = klpName;
      copy.shndx = SHN_LIVEPATCH;
      converted.push({ name: sym.name, ...target, klpName, index: newSymbols.length });
    }
    symbolMap.set(sym.index, newSymbols.length);
    newSymbols.push(copy);
  }
  const firstGlobal = newSymbols.findIndex((s) => s.bind !== STB_LOCAL);

  // 4. Relocations: entries against converted symbols move to .klp.rela.<obj>.<section>.
  const shstrtab = image.sections[elf.header.shstrndx]!;
  const shstrExtra: number[] = [];
  let shstrSize = shstrtab.data.length;
  const addSectionName = (s: string) => {
    const at = shstrSize;
    const enc = new TextEncoder().encode(s + '\0');
    shstrExtra.push(...enc);
    shstrSize += enc.length;
    return at;
  };
  const klpSections: EditableSection[] = [];
  for (const rel of elf.relocations) {
    if (removedSections.has(rel.sectionIndex)) continue;
    const stay: number[] = [];
    const move = new Map<string, number[]>();
    for (let i = 0; i < rel.count; i++) {
      const target = targets.get(rel.symbols[i]!);
      if (!target) stay.push(i);
      else move.set(target.object, [...(move.get(target.object) ?? []), i]);
      if (!symbolMap.has(rel.symbols[i]!))
        return { ok: false, error: `${rel.name}: entry ${i} refers to a symbol of a removed annotation section` };
    }
    const encode = (entries: number[]) => {
      const data = new Uint8Array(entries.length * SIZEOF_RELA);
      const dv = new DataView(data.buffer);
      entries.forEach((i, k) => {
        dv.setBigUint64(k * SIZEOF_RELA, rel.offsets[i]!, true);
        dv.setUint32(k * SIZEOF_RELA + 8, rel.types[i]!, true);
        dv.setUint32(k * SIZEOF_RELA + 12, symbolMap.get(rel.symbols[i]!)!, true);
        dv.setBigInt64(k * SIZEOF_RELA + 16, rel.addends[i]!, true);
      });
      return data;
    };
    if (!rel.rela && move.size) return { ok: false, error: `${rel.name}: SHT_REL relocations cannot be converted` };
    if (rel.rela) image.sections[rel.sectionIndex]!.data = encode(stay);
    const targetName = elf.sections[rel.targetSection]!.name;
    for (const [object, entries] of move) {
      const name = `.klp.rela.${object}.${targetName}`;
      const header: ElfSection = {
        index: 0,
        name,
        nameOffset: addSectionName(name),
        type: SHT_RELA,
        flags: SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH,
        addr: 0n,
        offset: 0n,
        size: 0n,
        link: 0,
        info: rel.targetSection,
        addralign: 8n,
        entsize: BigInt(SIZEOF_RELA),
      };
      klpSections.push({ header, data: encode(entries) });
    }
  }

  // 5. Re-encode the tables and renumber the section links.
  const symtabData = new Uint8Array(newSymbols.length * SIZEOF_SYM);
  const sdv = new DataView(symtabData.buffer);
  newSymbols.forEach((s, k) => {
    const p = k * SIZEOF_SYM;
    sdv.setUint32(p, s.nameOffset, true);
    symtabData[p + 4] = (s.bind << 4) | s.type;
    symtabData[p + 5] = s.other;
    sdv.setUint16(p + 6, s.shndx, true);
    sdv.setBigUint64(p + 8, s.value, true);
    sdv.setBigUint64(p + 16, s.size, true);
  });
  image.sections[elf.symtabIndex]!.data = symtabData;
  image.sections[elf.symtabIndex]!.header.info = firstGlobal < 0 ? newSymbols.length : firstGlobal;
  strtab.data = concat(strtab.data, strtabExtra);
  shstrtab.data = concat(shstrtab.data, shstrExtra);

  const all = [...kept, ...klpSections];
  const relocating = (s: EditableSection) => s.header.type === SHT_RELA || s.header.type === 9;
  for (const [i, s] of all.entries()) {
    const h = s.header;
    const isNew = i >= kept.length;
    if (!isNew) {
      if (h.link) h.link = newSectionIndex(h.link);
      if (relocating(s) || (h.flags & SHF_INFO_LINK) !== 0n) h.info = newSectionIndex(h.info);
    } else {
      h.link = newSectionIndex(elf.symtabIndex);
      h.info = newSectionIndex(h.info);
    }
    h.index = i;
  }
  image.sections = all;
  image.shstrndx = newSectionIndex(elf.header.shstrndx);

  return { ok: true, bytes: writeElf(image, { keepTrailer: false }), symbols: converted, klpSections: klpSections.map((s) => s.header.name) };
}

function concat(a: Uint8Array, extra: number[]): Uint8Array {
  const out = new Uint8Array(a.length + extra.length);
  out.set(a);
  out.set(extra, a.length);
  return out;
}
