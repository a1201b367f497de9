// jump_label_sort_entries() sorts on precomputed keys and moves the entries as a permutation;
// lib/sort.c swapping the table itself is the reference. Both must leave the same bytes — for
// each version's sort (6.1's heapsort, 6.12's double pop), with equal keys and codes (where an
// unstable sort shows its order) and with fields that wrap around the address space.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jump_label_sort_entries, jump_label_sort_reference, SIZEOF_JUMP_ENTRY } from './jump_label.ts';
import { Kernel } from './kernel.ts';
import type { KernelId } from './profile.ts';

const entry = fc.record({
  // few distinct values: equal keys and codes are the case that shows the sort's order
  code: fc.oneof(
    fc.integer({ min: -3, max: 3 }).map((x) => x * 16),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    // near the s32 edges: a swap's distance wraps them, and the wrapped code is what compares
    fc.integer({ min: 2 ** 31 - 64, max: 2 ** 31 - 1 }),
    fc.integer({ min: -(2 ** 31), max: -(2 ** 31) + 64 }),
  ),
  target: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  key: fc.oneof(
    fc.bigInt({ min: -64n, max: 64n }),
    fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0x1000n, 0x1003n),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  ),
});

/**
 * The table at `base`; `key` is the key's absolute address (low bits: branch and init) when
 * `absolute`, else the raw relative field — absolute keys make equal keys, and so the order of
 * equal keys (by code), common.
 */
function table(
  entries: Array<{ code: number; target: number; key: bigint }>,
  base: bigint,
  absolute: boolean,
): Uint8Array {
  const buf = new Uint8Array(entries.length * SIZEOF_JUMP_ENTRY);
  const dv = new DataView(buf.buffer);
  entries.forEach((e, i) => {
    const at = BigInt(i * SIZEOF_JUMP_ENTRY);
    dv.setInt32(i * SIZEOF_JUMP_ENTRY, e.code, true);
    dv.setInt32(i * SIZEOF_JUMP_ENTRY + 4, e.target, true);
    dv.setBigInt64(i * SIZEOF_JUMP_ENTRY + 8, BigInt.asIntN(64, absolute ? e.key - (base + at + 8n) : e.key), true);
  });
  return buf;
}

describe('jump_label_sort_entries()', () => {
  for (const kernel of ['6.1', '6.12'] as KernelId[])
    it(`${kernel}: the same bytes as lib/sort.c swapping the table`, () => {
      const k = new Kernel({ kernel });
      fc.assert(
        fc.property(
          fc.array(entry, { maxLength: 48 }),
          fc.constantFrom(0xffffffffc0201000n, 0xfffffffffffff000n, 0n),
          fc.boolean(),
          (entries, base, absolute) => {
            const fast = table(entries, base, absolute);
            const reference = fast.slice();
            jump_label_sort_entries(k, base, fast, entries.length);
            jump_label_sort_reference(k, base, reference, entries.length);
            expect(fast.findIndex((b, i) => b !== reference[i])).toBe(-1);
          },
        ),
        { numRuns: 1000 },
      );
    });

  it('an s32 code that a move wraps compares as the kernel reads it there (found by review)', () => {
    const k = new Kernel({ kernel: '6.1' });
    const base = 0xffffffffc0001000n;
    const codes = [-2147483614, 2147483627, 2147483638, 2147483618, -2147483608];
    const entries = codes.map((code) => ({ code, target: 0, key: 0x1000n }));
    const fast = table(entries, base, true);
    const reference = fast.slice();
    jump_label_sort_entries(k, base, fast, codes.length);
    jump_label_sort_reference(k, base, reference, codes.length);
    const dv = new DataView(fast.buffer);
    expect(codes.map((_, i) => dv.getInt32(i * SIZEOF_JUMP_ENTRY, true))).toEqual([
      2147483643, -2147483642, 2147483634, 2147483634, -2147483608,
    ]);
    expect(fast).toEqual(reference);
  });
});
