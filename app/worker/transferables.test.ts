// Long names shared by many symbols cross to the UI thread once, and come back whole.
import { describe, expect, it } from 'vitest';
import { parseElfObject } from '../../src/elf/parse.ts';
import { sharedLongNames } from '../../src/fuzz/crafted.ts';
import { prepareForTransfer, restoreNames } from './transferables.ts';

describe('prepareForTransfer', () => {
  it('sends a 1 KiB name 100 symbols share once, and restoreNames() puts it back in each', () => {
    const elf = parseElfObject(sharedLongNames(100, 1024), 'long.ko');
    const { elf: sent, shared } = prepareForTransfer(elf);
    expect(shared?.names).toEqual(['A'.repeat(1024)]);
    expect(sent.symbols.slice(1).every((s) => s.name === '')).toBe(true);
    const copy = structuredClone({ sent, shared });
    restoreNames(copy.sent, copy.shared!);
    expect(copy.sent.symbols.map((s) => s.name)).toEqual(elf.symbols.map((s) => s.name));
    expect(elf.symbols[1]!.name).toBe('A'.repeat(1024));
  });

  it('leaves short names and names used once as they are', () => {
    const elf = parseElfObject(sharedLongNames(3, 100), 'short.ko');
    expect(prepareForTransfer(elf).shared).toBeUndefined();
  });
});
