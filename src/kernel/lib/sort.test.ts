// The specialised sorts (compare and swap inlined over typed arrays) against the generic
// lib/sort.c port with the kernel's cmp/swap closures: the same bytes and the same swap count
// on tables full of equal keys, where the unstable heapsort's exact sequence shows; and 6.12's
// sort_r() against the real one's results.
import { describe, expect, it } from 'vitest';
import { orc_sort, orc_sort_reference } from '../arch/x86/unwind_orc.ts';
import { profiles } from '../profile.ts';
import { sort, sort_double_pop, sortOf, sortU64, swapBytes } from './sort.ts';

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 8;
  };
}

describe('specialised lib/sort.c sorts', () => {
  it('orc_sort is orc_sort_reference byte for byte', () => {
    const r = rng(7);
    for (const num of [0, 1, 2, 3, 4, 5, 7, 8, 16, 33, 100, 257, 1000, 4099]) {
      for (const spread of [1, 3, 50, 1 << 20, 0x7fffffff]) {
        const ip = new Uint8Array(num * 4);
        const dv = new DataView(ip.buffer);
        // relative offsets to a few addresses (many equal keys), some near the s32 limits
        for (let i = 0; i < num; i++)
          dv.setInt32(4 * i, ((r() % spread) - 4 * i + (r() % 4 === 0 ? 0x7ffffff0 : 0)) | 0, true);
        const tab = new Uint8Array(num * 6);
        for (let i = 0; i < tab.length; i++) tab[i] = r() & 0xff;
        for (let i = 0; i < num; i++) if (r() % 3 === 0) tab[6 * i + 4]! &= 0xf0; // sp_reg undefined: terminators
        const ip2 = ip.slice();
        const tab2 = tab.slice();
        const s1 = orc_sort(ip, tab, num);
        const s2 = orc_sort_reference(ip2, tab2, num);
        expect([s1, Buffer.from(ip).toString('hex'), Buffer.from(tab).toString('hex')]).toEqual([
          s2,
          Buffer.from(ip2).toString('hex'),
          Buffer.from(tab2).toString('hex'),
        ]);
      }
    }
  });

  it('sortU64 is sort(…, 8, unsigned cmp, default swap) byte for byte', () => {
    const r = rng(11);
    for (const num of [0, 1, 2, 3, 9, 64, 513, 3000]) {
      for (const distinct of [1, 4, 1000]) {
        const buf = new Uint8Array(num * 8);
        const dv = new DataView(buf.buffer);
        const pool = Array.from({ length: distinct }, () => [r() * 0x100 + (r() & 0xff), r() | 0] as const);
        // identities in the low bits of equal high words, plus exact duplicates
        for (let i = 0; i < num; i++) {
          const [hi, lo] = pool[r() % distinct]!;
          dv.setUint32(8 * i + 4, hi >>> 0, true);
          dv.setUint32(8 * i, r() % 2 ? lo >>> 0 : (lo + i) >>> 0, true);
        }
        const ref = buf.slice();
        const rdv = new DataView(ref.buffer);
        const ip = (off: number) => rdv.getBigUint64(off, true);
        const s2 = sort(num, 8, (a, b) => (ip(a) > ip(b) ? 1 : ip(a) < ip(b) ? -1 : 0), swapBytes(ref));
        const s1 = sortU64(buf, num);
        expect([s1, Buffer.from(buf).toString('hex')]).toEqual([s2, Buffer.from(ref).toString('hex')]);
      }
    }
  });
});

describe('6.12 lib/sort.c (sort_double_pop)', () => {
  // Expected values: Debian 6.12.118's lib/sort.c sort_r() compiled with gcc in user space (a shim
  // for its headers), run on the same records with a counting swap — as finalize.test.ts does
  // for 6.1.192's. Keys in byte 0, identity in byte 1.
  const run = (buf: Uint8Array, num: number) => sort_double_pop(num, 2, (a, b) => buf[a]! - buf[b]!, swapBytes(buf));
  const ids = (buf: Uint8Array, num: number) => [...Array(num).keys()].map((i) => buf[2 * i + 1]);

  it('orders equal keys as the 6.12 kernel does (not as 6.1 does)', () => {
    const five = Uint8Array.from([2, 0, 1, 1, 2, 2, 1, 3, 0, 4]);
    expect(run(five, 5)).toBe(4);
    expect([...five]).toEqual([0, 4, 1, 1, 1, 3, 2, 2, 2, 0]);
    const forty = new Uint8Array(80);
    for (let i = 0; i < 40; i++) forty.set([(i * 7) % 5, i], 2 * i);
    expect(run(forty, 40)).toBe(142);
    expect(ids(forty, 40)).toEqual([
      25, 35, 30, 5, 15, 20, 10, 0, 33, 3, 8, 38, 23, 18, 13, 28, 31, 16, 36, 21, 1, 11, 26, 6, 34, 19, 9, 4, 24, 29,
      14, 39, 32, 7, 17, 37, 22, 12, 27, 2,
    ]);
    // the 6.1 heapsort leaves the forty in another order
    const old = new Uint8Array(80);
    for (let i = 0; i < 40; i++) old.set([(i * 7) % 5, i], 2 * i);
    sort(40, 2, (a, b) => old[a]! - old[b]!, swapBytes(old));
    expect(ids(old, 40)).not.toEqual(ids(forty, 40));
  });

  it('settles the last elements after the loop (2 to 6 records, two keys)', () => {
    const expected: Record<number, [number[], number]> = {
      2: [[0, 1], 2],
      3: [[2, 0, 1], 2],
      4: [[2, 0, 3, 1], 5],
      5: [[2, 0, 4, 3, 1], 5],
      6: [[2, 4, 0, 3, 1, 5], 9],
    };
    for (let num = 2; num <= 6; num++) {
      const buf = new Uint8Array(2 * num);
      for (let i = 0; i < num; i++) buf.set([(i * 3) % 2, i], 2 * i);
      const swaps = run(buf, num);
      expect([ids(buf, num), swaps]).toEqual(expected[num]);
    }
  });

  it('sortOf() picks each profile’s', () => {
    expect(sortOf(profiles['6.1'])).toBe(sort);
    expect(sortOf(profiles['6.12'])).toBe(sort_double_pop);
  });
});
