// The engine under packageKlpText()/packageSplit(): `.text` is cut into its functions (see
// text_model.ts) and each goes to a destination — stays in `.text`, moves to a new section, or
// is dropped — and every reference to or from the moved bytes follows them exactly:
//  - relocations whose site moved go to the new section's relocation section, rebased:
//    `.rela<dest>` for ordinary ones, `.klp.rela.<obj>.<dest>` for SHF_RELA_LIVEPATCH ones;
//  - relocations that reach `.text` (section symbol + addend, or a symbol in it) are pointed at
//    the referenced address's new home: through the same symbol when it moved along, else
//    through the `.text` section symbol (stays) or the FUNC symbol of the function the address
//    belongs to (moved), the addend adjusted. The referenced address is S + A for data and
//    absolute relocations, S + A + (next instruction − P) for PC-relative ones in code;
//  - assembler-resolved rel32/RIP-relative fields (no relocation) are re-encoded when both
//    ends share a section, and become a R_X86_64_PLT32 (branch) / R_X86_64_PC32 (RIP-relative)
//    relocation when they no longer do (the field is zeroed: 6.1's apply_relocate_add refuses
//    a non-zero target). A rel8 that would have to cross sections cannot be relocated: error;
//  - symbols defined in `.text` get their new section and value, in place: the symbol table
//    keeps its order and size (livepatch relocations index it);
//  - `.text` is compacted: what stays keeps its order and its offset modulo 16 (the section's
//    alignment); new sections are SHF_ALLOC|SHF_EXECINSTR, 4096-aligned, padded with int3 (0xcc)
//    to a multiple of 4096. No moved byte stays behind in `.text`.
// Dropping (packageSplit) additionally removes the relocations of dropped code, turns symbols
// defined in it into SHN_ABS 0 (same index, no longer in kallsyms), and removes the entries of
// known fixed-size tables (__mcount_loc, .orc_unwind_ip with .orc_unwind, .return_sites, …)
// that point into it. Relocations that end up with no entry are removed with their section.
import {
  R_X86_64_PC32,
  R_X86_64_PLT32,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_INFO_LINK,
  SHF_RELA_LIVEPATCH,
  SHN_ABS,
  SHT_PROGBITS,
  SHT_RELA,
  SIZEOF_RELA,
  STT_NOTYPE,
  STT_SECTION,
} from '../elf/constants.ts';
import {
  encodeRela,
  encodeSymbols,
  firstNonLocal,
  nextIndex,
  type RelaEntry,
  renumberSections,
  StringTableBuilder,
  sectionHeader,
} from '../elf/edit.ts';
import type { ElfSymbol } from '../elf/types.ts';
import { type EditableElf, type EditableSection, toEditable, writeElf } from '../elf/write.ts';
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { rangeOf, relocationBias, type TextModel } from './text_model.ts';

const TEXT_ALIGN = 16;
const INT3 = 0xcc;

/** Fixed-size tables whose entries point at code, by name: entry size, and a parallel array. */
const TABLES: Record<string, { entsize: number; parallel?: { name: string; entsize: number } }> = {
  __mcount_loc: { entsize: 8 },
  __patchable_function_entries: { entsize: 8 },
  '.orc_unwind_ip': { entsize: 4, parallel: { name: '.orc_unwind', entsize: 6 } },
  '.return_sites': { entsize: 4 },
  '.retpoline_sites': { entsize: 4 },
  '.call_sites': { entsize: 4 },
  '.ibt_endbr_seal': { entsize: 4 },
  '.smp_locks': { entsize: 4 },
  '.static_call_sites': { entsize: 8 },
  __jump_table: { entsize: 16 },
  __ex_table: { entsize: 12 },
  __bug_table: { entsize: 12 },
  '.altinstructions': { entsize: 12 },
  '.parainstructions': { entsize: 16 },
};

/** The state of the edit, for the callers' own pre- and post-edits. */
export interface Edit {
  model: TextModel;
  image: EditableElf;
  /** Copies of the symbols, edited in place (same indices). */
  symbols: ElfSymbol[];
  /** Relocation entries by relocation section index. */
  relocs: Map<number, RelaEntry[]>;
  sectionNames: StringTableBuilder;
  /** Sections to leave out of the result. */
  removed: Set<number>;
}

export interface RelayoutOptions {
  /** Destination of each range of model.ranges: '.text', a new section's name, or null (dropped). */
  dest: Array<string | null>;
  /** Object of each new section (for the description). */
  objectOf: (section: string) => string;
  preEdit?: (edit: Edit) => void;
  postEdit?: (edit: Edit) => void;
}

export interface NewSectionReport {
  object: string;
  section: string;
  /** sh_size (page multiple) and the bytes of code in it before padding. */
  size: number;
  used: number;
  functions: string[];
  /** Relocation sections that patch it, with their entry counts. */
  relaSections: Array<{ name: string; count: number }>;
  klpRelaSections: string[];
}

export interface RelayoutStats {
  /** Entries moved out of each original relocation section (into the new sections' ones). */
  movedFrom: Record<string, number>;
  /** Entries retargeted (their symbol or addend changed), per relocation section. */
  retargeted: Record<string, number>;
  /** Relocations synthesized for assembler-resolved references that now cross sections. */
  synthesized: number;
  /** Assembler-resolved fields re-encoded in place (both ends in the same section). */
  reencoded: number;
  /** Relocation entries dropped with dropped code, or pointing into it, per section. */
  dropped: Record<string, number>;
  /** Table entries removed because they pointed into dropped code, per table. */
  tableEntriesRemoved: Record<string, number>;
  /** Size of .text before and after. */
  textSize: { before: number; after: number };
}

export interface RelayoutResult {
  bytes: Uint8Array;
  sections: NewSectionReport[];
  stats: RelayoutStats;
}

const inc = (r: Record<string, number>, k: string, n = 1) => (r[k] = (r[k] ?? 0) + n);

export function relayoutText(model: TextModel, opts: RelayoutOptions): RelayoutResult {
  const { elf, textIndex } = model;
  const image = toEditable(model.bytes, elf);
  image.trailer = new Uint8Array(0); // an edited module's signature no longer matches
  const edit: Edit = {
    model,
    image,
    symbols: elf.symbols.map((s) => ({ ...s })),
    relocs: new Map(model.relocations.map(({ rel, entries }) => [rel.sectionIndex, entries.map((e) => ({ ...e }))])),
    sectionNames: new StringTableBuilder(image.sections[elf.header.shstrndx]!.data),
    removed: new Set(),
  };
  opts.preEdit?.(edit);
  const stats: RelayoutStats = {
    movedFrom: {},
    retargeted: {},
    synthesized: 0,
    reencoded: 0,
    dropped: {},
    tableEntriesRemoved: {},
    textSize: { before: model.text.length, after: 0 },
  };

  // 1. Placement: each destination receives its ranges in their original order, each at the
  //    same offset modulo 16 as before.
  const dests = ['.text', ...new Set(opts.dest.filter((d): d is string => d !== null && d !== '.text'))];
  const cursor = new Map(dests.map((d) => [d, 0]));
  const newStart = model.ranges.map((r, i) => {
    const d = opts.dest[i];
    if (d === null || d === undefined) return -1;
    const c = cursor.get(d)!;
    const at = c + ((((r.start - c) % TEXT_ALIGN) + TEXT_ALIGN) % TEXT_ALIGN);
    cursor.set(d, at + (r.end - r.start));
    return at;
  });
  const textSize = cursor.get('.text')!;
  stats.textSize.after = textSize;
  const mapAddr = (a: number): { dest: string; off: number } | null => {
    if (a === model.text.length) return { dest: '.text', off: textSize };
    const r = rangeOf(model, a);
    if (r < 0) throw new Error(`.text+0x${a.toString(16)}: outside .text`);
    const d = opts.dest[r];
    return d === null || d === undefined ? null : { dest: d, off: newStart[r]! + a - model.ranges[r]!.start };
  };

  // 2. The new contents.
  const data = new Map(
    dests.map((d) => {
      const used = cursor.get(d)!;
      const size = d === '.text' ? used : Math.ceil(used / PAGE_SIZE) * PAGE_SIZE;
      return [d, new Uint8Array(size).fill(INT3)];
    }),
  );
  model.ranges.forEach((r, i) => {
    if (newStart[i]! >= 0) data.get(opts.dest[i]!)!.set(model.text.subarray(r.start, r.end), newStart[i]!);
  });
  const textSection = image.sections[textIndex]!;
  const base = nextIndex(image);
  const sectionIndex = new Map<string, number>([['.text', textIndex]]);
  const added: EditableSection[] = [];
  for (const d of dests.slice(1)) {
    const header = sectionHeader({
      index: base + added.length,
      name: d,
      nameOffset: edit.sectionNames.add(d),
      type: SHT_PROGBITS,
      flags: SHF_ALLOC | SHF_EXECINSTR,
      addralign: BigInt(PAGE_SIZE),
    });
    sectionIndex.set(d, header.index);
    added.push({ header, data: data.get(d)! });
  }
  textSection.data = data.get('.text')!;

  // The symbol through which a referenced address in `dest` is reached: the FUNC symbol of its
  // function, or the .text section symbol for what stays.
  const symbolFor = (a: number, dest: string, preferFunction = false): { index: number; value: number } => {
    const r = model.ranges[rangeOf(model, a)];
    const sym = r?.symbols[0];
    if (dest === '.text' && model.textSectionSymbol > 0 && !(preferFunction && sym))
      return { index: model.textSectionSymbol, value: 0 };
    if (!sym) throw new Error(`.text+0x${a.toString(16)}: no symbol to reach it in ${dest}`);
    return { index: sym.index, value: mapAddr(Number(sym.value))!.off };
  };

  // 3. Assembler-resolved references from .text into .text.
  const groups = new Map<string, { dest: string; object: string | null; entries: RelaEntry[] }>();
  const group = (dest: string, object: string | null) => {
    const key = `${object ?? ''}\0${dest}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { dest, object, entries: [] }));
    return g;
  };
  const textInsns = model.code.decode(textIndex);
  for (const ref of model.refs) {
    if (ref.relocation || ref.section !== textIndex) continue;
    const site = mapAddr(ref.site);
    if (!site) continue; // dropped with its code
    const target = mapAddr(ref.target);
    const insn = textInsns.insns[textInsns.at[ref.site]!]!;
    const where = `${model.ranges[rangeOf(model, ref.site)]!.name} (.text+0x${insn.offset.toString(16)})`;
    if (!target) throw new Error(`${where}: refers to dropped code at .text+0x${ref.target.toString(16)}`);
    const bias = insn.offset + insn.length - ref.site; // next instruction − field
    const out = data.get(site.dest)!;
    const dv = new DataView(out.buffer);
    if (site.dest === target.dest) {
      const disp = target.off - (site.off + bias);
      if (insn.rel!.size === 1) {
        if (disp < -128 || disp > 127) throw new Error(`${where}: a short jump no longer reaches its target`);
        dv.setInt8(site.off, disp);
      } else dv.setInt32(site.off, disp, true);
      stats.reencoded++;
      continue;
    }
    if (insn.rel!.size !== 4) throw new Error(`${where}: a short (rel8) jump to ${target.dest} cannot be relocated`);
    dv.setInt32(site.off, 0, true);
    const sym = symbolFor(ref.target, target.dest, true);
    group(site.dest, null).entries.push({
      offset: BigInt(site.off),
      type: insn.rel!.kind === 'branch' ? R_X86_64_PLT32 : R_X86_64_PC32,
      symbol: sym.index,
      addend: BigInt(target.off - sym.value - bias),
    });
    stats.synthesized++;
  }

  // 4. Relocations.
  const tableRemovals = new Map<number, Set<number>>(); // table section -> entry indices
  for (const [relIndex, entries] of edit.relocs) {
    const relSec = elf.sections[relIndex]!;
    const siteSection = relSec.info;
    const siteName = elf.sections[siteSection]!.name;
    const klpObject =
      (relSec.flags & SHF_RELA_LIVEPATCH) !== 0n
        ? (model.relocations.find((r) => r.rel.sectionIndex === relIndex)?.rel.klp?.object ?? null)
        : null;
    const stay: RelaEntry[] = [];
    for (const e of entries) {
      let site: { dest: string; off: number } | null = { dest: '', off: Number(e.offset) };
      if (siteSection === textIndex) {
        site = mapAddr(Number(e.offset));
        if (!site) {
          inc(stats.dropped, relSec.name);
          continue;
        }
      }
      let out = { ...e, offset: BigInt(site.off) };
      const sym = edit.symbols[e.symbol]!;
      if (sym.shndx === textIndex) {
        const bias = relocationBias(elf, model.code, siteSection, e);
        const t = Number(elf.symbols[e.symbol]!.value + e.addend) + bias;
        const target = mapAddr(t);
        if (!target) {
          const table = TABLES[siteName];
          if (table) {
            let s = tableRemovals.get(siteSection);
            if (!s) tableRemovals.set(siteSection, (s = new Set()));
            s.add(Math.floor(Number(e.offset) / table.entsize));
          } else if ((elf.sections[siteSection]!.flags & SHF_EXECINSTR) !== 0n)
            throw new Error(
              `${siteName}+0x${e.offset.toString(16)}: code refers to dropped code at .text+0x${t.toString(16)}`,
            );
          inc(stats.dropped, relSec.name);
          continue;
        }
        const home = sym.type === STT_SECTION ? null : mapAddr(Number(elf.symbols[e.symbol]!.value));
        const via =
          home && home.dest === target.dest ? { index: e.symbol, value: home.off } : symbolFor(t, target.dest);
        out = { ...out, symbol: via.index, addend: BigInt(target.off - via.value - bias) };
        if (out.symbol !== e.symbol || out.addend !== e.addend) inc(stats.retargeted, relSec.name);
      }
      if (siteSection === textIndex && site.dest !== '.text') {
        group(site.dest, klpObject).entries.push(out);
        inc(stats.movedFrom, relSec.name);
      } else stay.push(out);
    }
    edit.relocs.set(relIndex, stay);
  }

  // 5. Table entries pointing into dropped code.
  for (const [section, gone] of tableRemovals) {
    const name = elf.sections[section]!.name;
    const table = TABLES[name]!;
    compactTable(edit, section, table.entsize, gone);
    if (table.parallel) {
      const p = elf.sections.find((s) => s.name === table.parallel!.name);
      if (p) compactTable(edit, p.index, table.parallel.entsize, gone);
    }
    inc(stats.tableEntriesRemoved, name, gone.size);
  }

  // 6. Symbols defined in .text.
  for (const sym of edit.symbols) {
    if (sym.shndx !== textIndex || sym.type === STT_SECTION) continue;
    const m = mapAddr(Number(sym.value));
    if (!m) {
      Object.assign(sym, { shndx: SHN_ABS, value: 0n, size: 0n, type: STT_NOTYPE });
      continue;
    }
    sym.shndx = sectionIndex.get(m.dest)!;
    sym.value = BigInt(m.off);
  }

  // 7. Relocation sections: the original ones keep what stays, new ones for the new sections.
  const relaFor = new Map<string, EditableSection>();
  const relaSections: EditableSection[] = [];
  const klpRelaSections: EditableSection[] = [];
  for (const g of groups.values()) {
    g.entries.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
    if (g.dest === '.text' && g.object === null) {
      // synthesized entries for what stays in .text: into .rela.text
      const rt = model.relocations.find((r) => r.rel.targetSection === textIndex && !r.rel.klp);
      if (!rt) throw new Error('.text has no .rela.text for synthesized relocations');
      const list = [...edit.relocs.get(rt.rel.sectionIndex)!, ...g.entries];
      list.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
      edit.relocs.set(rt.rel.sectionIndex, list);
      continue;
    }
    const name = g.object === null ? `.rela${g.dest}` : `.klp.rela.${g.object}.${g.dest}`;
    const header = sectionHeader({
      index: base + added.length + relaSections.length + klpRelaSections.length,
      name,
      nameOffset: edit.sectionNames.add(name),
      type: SHT_RELA,
      flags: g.object === null ? SHF_INFO_LINK : SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH,
      link: elf.symtabIndex,
      info: sectionIndex.get(g.dest)!,
      addralign: 8n,
      entsize: BigInt(SIZEOF_RELA),
    });
    const s = { header, data: encodeRela(g.entries) };
    (g.object === null ? relaSections : klpRelaSections).push(s);
    if (g.object === null) relaFor.set(g.dest, s);
  }
  for (const [relIndex, entries] of edit.relocs) {
    image.sections[relIndex]!.data = encodeRela(entries);
    if (entries.length === 0 && model.relocations.find((r) => r.rel.sectionIndex === relIndex)!.rel.count > 0)
      edit.removed.add(relIndex);
  }

  opts.postEdit?.(edit);

  // 8. Tables, names, section order: each new section (and its .rela) after .text's group;
  //    the new .klp.rela sections last, as klp-convert places them.
  const symtab = image.sections[elf.symtabIndex]!;
  image.sections[elf.header.shstrndx]!.data = edit.sectionNames.bytes();
  const inserted = added.flatMap((s) => [s, ...(relaFor.has(s.header.name) ? [relaFor.get(s.header.name)!] : [])]);
  const original = image.sections.filter((s) => !edit.removed.has(s.header.index));
  const textRela = model.relocations.find((r) => r.rel.targetSection === textIndex && !r.rel.klp)?.rel.sectionIndex;
  const insertAfter = textRela === textIndex + 1 ? textRela : textIndex;
  const at = original.filter((s) => s.header.index <= insertAfter).length;
  const order = [...original.slice(0, at), ...inserted, ...original.slice(at), ...klpRelaSections];
  renumberSections(image, order, edit.symbols);
  symtab.data = encodeSymbols(edit.symbols);
  symtab.header.info = firstNonLocal(edit.symbols);
  const bytes = writeElf(image, { keepTrailer: false });

  const sections: NewSectionReport[] = added.map((s) => {
    const name = s.header.name;
    const rela = [relaFor.get(name), ...klpRelaSections.filter((k) => k.header.info === s.header.index)].filter(
      (x): x is EditableSection => !!x,
    );
    return {
      object: opts.objectOf(name),
      section: name,
      size: s.data.length,
      used: cursor.get(name)!,
      functions: model.ranges.flatMap((r, i) => (opts.dest[i] === name ? [r.name] : [])),
      relaSections: rela.map((x) => ({ name: x.header.name, count: x.data.length / SIZEOF_RELA })),
      klpRelaSections: rela.filter((x) => (x.header.flags & SHF_RELA_LIVEPATCH) !== 0n).map((x) => x.header.name),
    };
  });
  return { bytes, sections, stats };
}

/** Remove entries `gone` of a fixed-size table, shifting later entries and their relocations. */
function compactTable(edit: Edit, section: number, entsize: number, gone: Set<number>): void {
  const sec = edit.image.sections[section]!;
  if (edit.symbols.some((s) => s.shndx === section && s.type !== STT_SECTION && s.name !== ''))
    throw new Error(`${sec.header.name}: has symbols, its entries cannot be removed`);
  const count = Math.floor(sec.data.length / entsize);
  const newIndex = new Int32Array(count).fill(-1);
  const kept: number[] = [];
  for (let i = 0; i < count; i++) if (!gone.has(i)) newIndex[i] = kept.push(i) - 1;
  const out = new Uint8Array(kept.length * entsize + (sec.data.length - count * entsize));
  kept.forEach((i, j) => out.set(sec.data.subarray(i * entsize, (i + 1) * entsize), j * entsize));
  sec.data = out;
  for (const [relIndex, entries] of edit.relocs) {
    if (edit.model.elf.sections[relIndex]!.info !== section) continue;
    edit.relocs.set(
      relIndex,
      entries.flatMap((e) => {
        const i = Math.floor(Number(e.offset) / entsize);
        const j = newIndex[i] ?? -1;
        return j < 0 ? [] : [{ ...e, offset: BigInt(j * entsize + (Number(e.offset) % entsize)) }];
      }),
    );
  }
}
