// Moves the relocation columns of an ElfObject back to the UI thread without copying.
import type { ElfObject, ElfRelocationSection } from '../../src/elf/types.ts';

type Column = BigUint64Array | BigInt64Array | Uint32Array;

/**
 * Returns a shallow copy of `elf` whose relocation columns each own a whole ArrayBuffer, plus
 * the list of those buffers to transfer. A column that is a view into a larger buffer (or into
 * `keep`, the file bytes the worker holds on to) is copied first, so transferring never detaches
 * anything the worker still needs and never drags a big shared buffer along by structured clone.
 */
export function prepareForTransfer(elf: ElfObject, keep: ArrayBufferLike): { elf: ElfObject; transfer: Transferable[] } {
  const seen = new Set<ArrayBufferLike>();
  const transfer: Transferable[] = [];

  function own<T extends Column>(column: T): T {
    const whole = column.byteOffset === 0 && column.byteLength === column.buffer.byteLength;
    const transferable = column.buffer instanceof ArrayBuffer;
    const c = whole && transferable && column.buffer !== keep && !seen.has(column.buffer)
      ? column
      : (column.slice() as T);
    seen.add(c.buffer);
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
  return { elf: { ...elf, relocations }, transfer };
}
