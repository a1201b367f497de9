// jump_label_sort_entries() sorts on precomputed keys and moves the entries as a permutation;
// lib/sort.c swapping the table itself is the reference. Both must leave the same bytes — for
// each version's sort (6.1's heapsort, 6.12's double pop), with equal keys and codes (where an
// unstable sort shows its order) and with fields that wrap around the address space.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jump_label_sort, jump_label_sort_reference, SIZEOF_JUMP_ENTRY } from './jump_label.ts';
import { Kernel } from './kernel.ts';
import type { KernelId } from './profile.ts';

const entry = fc.record({
  // few distinct values: equal keys and codes are the case that shows the sort's order
  code: fc.oneof(
    fc.integer({ min: -3, max: 3 }).map((x) => x * 16),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  ),
  target: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  key: fc.oneof(
    fc.bigInt({ min: -64n, max: 64n }),
    fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0x1000n, 0x1003n),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  ),
});

function table(entries: Array<{ code: number; target: number; key: bigint }>): Uint8Array {
  const buf = new Uint8Array(entries.length * SIZEOF_JUMP_ENTRY);
  const dv = new DataView(buf.buffer);
  entries.forEach((e, i) => {
    dv.setInt32(i * SIZEOF_JUMP_ENTRY, e.code, true);
    dv.setInt32(i * SIZEOF_JUMP_ENTRY + 4, e.target, true);
    dv.setBigInt64(i * SIZEOF_JUMP_ENTRY + 8, e.key, true);
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
          (entries, base) => {
            const fast = table(entries);
            const reference = fast.slice();
            jump_label_sort(k, base, fast, entries.length);
            jump_label_sort_reference(k, base, reference, entries.length);
            expect(fast.findIndex((b, i) => b !== reference[i])).toBe(-1);
          },
        ),
        { numRuns: 400 },
      );
    });
});
