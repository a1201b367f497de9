// Hands the relocation columns of an ElfObject to the UI thread as buffers of their own.
import type { ElfObject, ElfRelocationSection } from '../../src/elf/types.ts';

type Column = BigUint64Array | BigInt64Array | Uint32Array;

/**
 * Returns a shallow copy of `elf` whose relocation columns are copies, each owning its buffer,
 * plus the list of those buffers to transfer. The worker keeps `elf` whole for the emulated
 * loader (decoding amdgpu.ko again would cost ~70 ms; copying its 320k entries, a few ms), and
 * no big shared buffer is dragged along by structured clone.
 */
export function prepareForTransfer(elf: ElfObject): { elf: ElfObject; transfer: Transferable[] } {
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
  return { elf: { ...elf, relocations }, transfer };
}
