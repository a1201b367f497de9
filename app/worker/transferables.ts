// Hands the relocation columns of an ElfObject to the UI thread as buffers of their own, and
// long names once each.
import type { ElfObject, ElfRelocationSection, ElfSection, ElfSymbol } from '../../src/elf/types.ts';

type Column = BigUint64Array | BigInt64Array | Uint32Array;

/**
 * Names at least this long that several symbols or sections share travel once. Structured clone
 * copies a string per reference: 1,000 symbols naming one 1 MiB string were 1 GiB to serialise
 * and 3.5 s of the UI thread to read back.
 */
const SHARED_NAME_MIN = 256;

/** Long names sent once: each symbol's and section's index into `names`, or -1 (its own name). */
export interface SharedNames {
  names: string[];
  symbols: Int32Array;
  sections: Int32Array;
}

/**
 * Returns a shallow copy of `elf` whose relocation columns are copies, each owning its buffer,
 * plus the list of those buffers to transfer. The worker keeps `elf` whole for the emulated
 * loader (decoding amdgpu.ko again would cost ~70 ms; copying its 320k entries, a few ms), and
 * no big shared buffer is dragged along by structured clone. Long names shared by several
 * symbols or sections are left empty in the copy and listed once in `shared` (restoreNames()).
 */
export function prepareForTransfer(elf: ElfObject): { elf: ElfObject; transfer: Transferable[]; shared?: SharedNames } {
  const transfer: Transferable[] = [];

  function own<T extends Column>(column: T): T {
    const c = column.slice() as T;
    transfer.push(c.buffer as ArrayBuffer);
    return c;
  }

  const relocations: ElfRelocationSection[] = elf.relocations.map((r) => ({
    ...r,
    offsets: own(r.offsets),
    symbols: own(r.symbols),
    types: own(r.types),
    addends: own(r.addends),
  }));
  const out: ElfObject = { ...elf, relocations };
  const shared = shareNames(elf.symbols, elf.sections);
  if (!shared) return { elf: out, transfer };
  transfer.push(shared.refs.symbols.buffer as ArrayBuffer, shared.refs.sections.buffer as ArrayBuffer);
  return {
    elf: { ...out, symbols: shared.symbols, sections: shared.sections },
    transfer,
    shared: shared.refs,
  };
}

function shareNames(
  symbols: ElfSymbol[],
  sections: ElfSection[],
): { symbols: ElfSymbol[]; sections: ElfSection[]; refs: SharedNames } | undefined {
  const seen = new Map<string, number>();
  let repeated = false;
  const count = (name: string) => {
    if (name.length < SHARED_NAME_MIN) return;
    const n = seen.get(name) ?? 0;
    if (n) repeated = true;
    seen.set(name, n + 1);
  };
  for (const s of symbols) count(s.name);
  for (const s of sections) count(s.name);
  if (!repeated) return undefined;
  const names: string[] = [];
  const index = new Map<string, number>();
  const ref = (name: string): number => {
    if ((seen.get(name) ?? 0) < 2) return -1;
    let i = index.get(name);
    if (i === undefined) index.set(name, (i = names.push(name) - 1));
    return i;
  };
  const symRefs = new Int32Array(symbols.length);
  const secRefs = new Int32Array(sections.length);
  const outSymbols = symbols.map((s, i) => ((symRefs[i] = ref(s.name)) < 0 ? s : { ...s, name: '' }));
  const outSections = sections.map((s, i) => ((secRefs[i] = ref(s.name)) < 0 ? s : { ...s, name: '' }));
  return { symbols: outSymbols, sections: outSections, refs: { names, symbols: symRefs, sections: secRefs } };
}

/** Puts the shared names back (on the UI thread, where a string is shared by reference again). */
export function restoreNames(elf: ElfObject, shared: SharedNames): void {
  elf.symbols.forEach((s, i) => {
    const r = shared.symbols[i]!;
    if (r >= 0) s.name = shared.names[r]!;
  });
  elf.sections.forEach((s, i) => {
    const r = shared.sections[i]!;
    if (r >= 0) s.name = shared.names[r]!;
  });
}
