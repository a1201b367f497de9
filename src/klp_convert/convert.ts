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
} from '../elf/constants.ts';
import {
  encodeRela,
  encodeSymbols,
  firstNonLocal,
  nextIndex,
  relaEntries,
  renumberSections,
  StringTableBuilder,
  sectionHeader,
} from '../elf/edit.ts';
import { sectionBytes } from '../elf/section_bytes.ts';
import { cString } from '../elf/strings.ts';
import type { ElfObject, ElfSymbol } from '../elf/types.ts';
import { type EditableSection, toEditable, writeElf } from '../elf/write.ts';
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
function versionedSymbols(bytes: Uint8Array, elf: ElfObject): Set<string> {
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
  if (elf.relocations.some((r) => r.klp))
    return { ok: false, error: `${elf.fileName}: already has .klp.rela sections` };

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
    const found = options.sources
      .map((s) => ({ object: s.object, count: countIn(s, sym.name) }))
      .filter((f) => f.count > 0);
    if (found.length === 0)
      return {
        ok: false,
        error: `${sym.name}: not exported and not found in ${options.sources.map((s) => s.object).join(', ')}`,
      };
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
  const kept = image.sections.filter((s) => !removedSections.has(s.header.index));

  // 3. Symbols: drop those defined in removed sections, rename the converted ones.
  const symtabOld = elf.sections[elf.symtabIndex]!;
  const strtab = image.sections[symtabOld.link]!;
  const strings = new StringTableBuilder(strtab.data);
  const symbolMap = new Map<number, number>();
  const newSymbols: ElfSymbol[] = [];
  const converted: ConvertedSymbol[] = [];
  for (const sym of elf.symbols) {
    if (sym.shndx > 0 && sym.shndx < SHN_LORESERVE && removedSections.has(sym.shndx)) continue;
    const copy = { ...sym };
    const target = targets.get(sym.index);
    if (target) {
      const klpName = `.klp.sym.${target.object}.${sym.name},${target.sympos}`;
      copy.nameOffset = strings.add(klpName);
      copy.name = klpName;
      copy.shndx = SHN_LIVEPATCH;
      converted.push({ name: sym.name, ...target, klpName, index: newSymbols.length });
    }
    symbolMap.set(sym.index, newSymbols.length);
    newSymbols.push(copy);
  }

  // 4. Relocations: entries against converted symbols move to .klp.rela.<obj>.<section>.
  const shstrtab = image.sections[elf.header.shstrndx]!;
  const sectionNames = new StringTableBuilder(shstrtab.data);
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
    const all = relaEntries(rel);
    const encode = (entries: number[]) =>
      encodeRela(entries.map((i) => ({ ...all[i]!, symbol: symbolMap.get(all[i]!.symbol)! })));
    if (!rel.rela && move.size) return { ok: false, error: `${rel.name}: SHT_REL relocations cannot be converted` };
    if (rel.rela) image.sections[rel.sectionIndex]!.data = encode(stay);
    const targetName = elf.sections[rel.targetSection]!.name;
    for (const [object, entries] of move) {
      const name = `.klp.rela.${object}.${targetName}`;
      const header = sectionHeader({
        index: nextIndex(image) + klpSections.length,
        name,
        nameOffset: sectionNames.add(name),
        type: SHT_RELA,
        flags: SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH,
        link: elf.symtabIndex,
        info: rel.targetSection,
        addralign: 8n,
        entsize: BigInt(SIZEOF_RELA),
      });
      klpSections.push({ header, data: encode(entries) });
    }
  }

  // 5. Renumber the section links and symbol sections, re-encode the tables.
  const symtab = image.sections[elf.symtabIndex]!;
  renumberSections(image, [...kept, ...klpSections], newSymbols);
  symtab.data = encodeSymbols(newSymbols);
  symtab.header.info = firstNonLocal(newSymbols);
  strtab.data = strings.bytes();
  shstrtab.data = sectionNames.bytes();

  return {
    ok: true,
    bytes: writeElf(image, { keepTrailer: false }),
    symbols: converted,
    klpSections: klpSections.map((s) => s.header.name),
  };
}
