// What a module's `.text` is made of, read from the file: the functions that partition it (each
// from its FUNC symbol to the next one, alignment padding included), every instruction, and
// every reference from code into `.text` — whether the assembler resolved it (a rel32/rel8/
// RIP-relative field with no relocation) or left a relocation (against the `.text` section
// symbol + addend, or against a symbol defined in `.text`).
//
// For a PC-relative relocation at a site in code, the referenced address is not S + A: the CPU
// adds the displacement to the address of the NEXT instruction, so it is S + A + (next - P),
// `next - P` being 4 for a plain call but 5 for `cmpb $1, x(%rip)` (imm8 after disp32) etc.
// Everything here therefore finds the instruction that holds the field.
import {
  R_X86_64_PC32,
  R_X86_64_PC64,
  R_X86_64_PLT32,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHN_LORESERVE,
  STT_FUNC,
  STT_SECTION,
} from '../elf/constants.ts';
import { type RelaEntry, relaEntries } from '../elf/edit.ts';
import { sectionBytes } from '../elf/section_bytes.ts';
import type { ElfObject, ElfRelocationSection, ElfSymbol } from '../elf/types.ts';
import { type DecodedInsn, decodeRange, relTarget } from './x86_refs.ts';

const PC_RELATIVE = new Set([R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_PC64]);
const isPcRelative = (type: number) => PC_RELATIVE.has(type);

/** One function of `.text` with the padding up to the next one. */
export interface TextRange {
  start: number;
  end: number;
  /** FUNC symbols starting here (aliases included), in symbol table order; empty for code before the first. */
  symbols: ElfSymbol[];
  /** The first of them (its name in results); `.text+0x…` if none. */
  name: string;
  /** st_size of the first symbol. */
  size: number;
}

/** A reference from code into `.text`. */
export interface TextRef {
  /** Section and offset of the field. */
  section: number;
  site: number;
  /** Referenced `.text` offset. */
  target: number;
  /** The relocation (section index, entry index), or undefined when the assembler resolved it. */
  relocation?: { section: number; entry: number };
}

const defined = (s: ElfSymbol) => s.shndx > 0 && s.shndx < SHN_LORESERVE;

/** Instructions of every executable section, decoded on first use. */
export class CodeIndex {
  private readonly cache = new Map<number, { insns: DecodedInsn[]; at: Int32Array }>();
  constructor(
    private readonly bytes: Uint8Array,
    private readonly elf: ElfObject,
  ) {}

  /** All instructions of an executable section, resynchronised at every FUNC symbol. */
  decode(section: number): { insns: DecodedInsn[]; at: Int32Array } {
    let d = this.cache.get(section);
    if (d) return d;
    const sec = this.elf.sections[section]!;
    const code = sectionBytes(this.bytes, sec);
    const starts = [
      ...new Set(
        this.elf.symbols.filter((s) => s.shndx === section && s.type === STT_FUNC).map((s) => Number(s.value)),
      ),
    ]
      .filter((v) => v > 0 && v < code.length)
      .sort((a, b) => a - b);
    const bounds = [0, ...starts, code.length];
    const insns: DecodedInsn[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const from = Math.max(bounds[i]!, insns.length ? insns.at(-1)!.offset + insns.at(-1)!.length : 0);
      if (from > bounds[i]!)
        throw new Error(`${sec.name}: an instruction runs into the function at 0x${bounds[i]!.toString(16)}`);
      insns.push(...decodeRange(code, from, bounds[i + 1]!, sec.name));
    }
    const at = new Int32Array(code.length + 1).fill(-1);
    insns.forEach((insn, k) => at.fill(k, insn.offset, insn.offset + insn.length));
    d = { insns, at };
    this.cache.set(section, d);
    return d;
  }

  /** The instruction whose bytes hold `offset`. */
  insnAt(section: number, offset: number): DecodedInsn {
    const d = this.decode(section);
    const k = d.at[offset] ?? -1;
    if (k < 0)
      throw new Error(`${this.elf.sections[section]!.name}+0x${offset.toString(16)}: not inside an instruction`);
    return d.insns[k]!;
  }
}

export interface RelocationView {
  rel: ElfRelocationSection;
  entries: RelaEntry[];
}

/**
 * `next - P` for a PC-relative relocation at a site in code (the bias the CPU adds), 0 for
 * data sites and absolute types: referenced address = S + A + bias.
 */
export function relocationBias(elf: ElfObject, code: CodeIndex, siteSection: number, e: RelaEntry): number {
  if (!isPcRelative(e.type)) return 0;
  const sec = elf.sections[siteSection]!;
  if ((sec.flags & SHF_EXECINSTR) === 0n) return 0;
  const insn = code.insnAt(siteSection, Number(e.offset));
  return insn.offset + insn.length - Number(e.offset);
}

export interface TextModel {
  bytes: Uint8Array;
  elf: ElfObject;
  textIndex: number;
  text: Uint8Array;
  ranges: TextRange[];
  /** Index into ranges for each byte of `.text` (and -1 at its end). */
  rangeAt: Int32Array;
  code: CodeIndex;
  relocations: RelocationView[];
  /** `.text` offsets of fields that have a relocation (any relocation section). */
  relocatedFields: Set<number>;
  /** Every reference from code (any executable section) into `.text`. */
  refs: TextRef[];
  /** The `.text` section symbol. */
  textSectionSymbol: number;
}

export function rangeOf(model: TextModel, offset: number): number {
  return offset >= 0 && offset < model.text.length ? model.rangeAt[offset]! : -1;
}

export function textModel(bytes: Uint8Array, elf: ElfObject): TextModel {
  const textIndex = elf.sections.findIndex(
    (s) => s.name === '.text' && (s.flags & SHF_EXECINSTR) !== 0n && (s.flags & SHF_ALLOC) !== 0n,
  );
  if (textIndex <= 0) throw new Error(`${elf.fileName}: no .text section`);
  const text = sectionBytes(bytes, elf.sections[textIndex]!);
  const funcs = elf.symbols.filter(
    (s) => s.shndx === textIndex && s.type === STT_FUNC && s.value < BigInt(text.length),
  );
  const starts = [...new Set(funcs.map((s) => Number(s.value)))].sort((a, b) => a - b);
  if (starts[0] !== 0 && text.length) starts.unshift(0);
  const ranges: TextRange[] = starts.map((start, i) => {
    const symbols = funcs.filter((s) => Number(s.value) === start);
    const end = starts[i + 1] ?? text.length;
    return {
      start,
      end,
      symbols,
      name: symbols[0]?.name ?? `.text+0x${start.toString(16)}`,
      size: Number(symbols[0]?.size ?? BigInt(end - start)),
    };
  });
  const rangeAt = new Int32Array(text.length + 1).fill(-1);
  ranges.forEach((r, k) => rangeAt.fill(k, r.start, r.end));
  for (const f of funcs)
    if (f.value + f.size > BigInt(ranges[rangeAt[Number(f.value)]!]!.end))
      throw new Error(`${f.name}: extends past the next function in .text`);

  const code = new CodeIndex(bytes, elf);
  const relocations = elf.relocations.filter((r) => r.rela).map((rel) => ({ rel, entries: relaEntries(rel) }));
  const relocatedFields = new Set<number>();
  for (const { rel, entries } of relocations)
    if (rel.targetSection === textIndex) for (const e of entries) relocatedFields.add(Number(e.offset));

  const refs: TextRef[] = [];
  for (const insn of code.decode(textIndex).insns) {
    if (!insn.rel || relocatedFields.has(insn.offset + insn.rel.at)) continue;
    const target = relTarget(insn);
    if (target < 0 || target > text.length)
      throw new Error(
        `.text+0x${insn.offset.toString(16)}: a resolved reference leaves .text (to 0x${target.toString(16)})`,
      );
    refs.push({ section: textIndex, site: insn.offset + insn.rel.at, target });
  }
  for (const { rel, entries } of relocations) {
    const site = elf.sections[rel.targetSection]!;
    if ((site.flags & SHF_EXECINSTR) === 0n) continue;
    entries.forEach((e, entry) => {
      const sym = elf.symbols[e.symbol];
      if (!sym || !defined(sym) || sym.shndx !== textIndex) return;
      const target = Number(sym.value + e.addend) + relocationBias(elf, code, rel.targetSection, e);
      refs.push({
        section: rel.targetSection,
        site: Number(e.offset),
        target,
        relocation: { section: rel.sectionIndex, entry },
      });
    });
  }
  const textSectionSymbol = elf.symbols.findIndex((s) => s.type === STT_SECTION && s.shndx === textIndex);
  return { bytes, elf, textIndex, text, ranges, rangeAt, code, relocations, relocatedFields, refs, textSectionSymbol };
}
