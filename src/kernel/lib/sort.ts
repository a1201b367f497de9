// sort_r() of lib/sort.c: the kernel's bottom-up heapsort, as 6.1.192 has it (sort()) and as
// 6.12.118 has it (sort_double_pop()). It is not stable, and the tables the loader sorts (ORC,
// __mcount_loc, __jump_table, .static_call_sites, __ex_table) hold relative entries, so which
// of two equal keys ends up first shows in the bytes: only the exact sequence of compares and
// swaps of the kernel's own version reproduces its memory (KernelProfile.libSort picks it).
import type { KernelProfile } from '../profile.ts';

/** Compare the elements at byte offsets a and b: <0, 0, >0 as the kernel's cmp_func. */
export type CmpFunc = (a: number, b: number) => number;
/** Swap the elements at byte offsets a and b (the kernel's swap_func, or the default word swap). */
export type SwapFunc = (a: number, b: number, size: number) => void;

/** The default swap (swap_words_64/32, swap_bytes): the elements' bytes trade places. */
export function swapBytes(buf: Uint8Array): SwapFunc {
  return (a, b, size) => {
    const t = buf.slice(a, a + size);
    buf.copyWithin(a, b, b + size);
    buf.set(t, b);
  };
}

/** parent() of lib/sort.c: the parent of element offset i in the implicit heap. */
function parent(i: number, lsbit: number, size: number): number {
  i -= size;
  if (i & lsbit) i -= size;
  return i / 2;
}

/** sort_r(base, num, size, cmp, swap) of 6.1.192 with offsets from base. Returns the number of swaps. */
export function sort(num: number, size: number, cmp: CmpFunc, swap: SwapFunc): number {
  let n = num * size;
  let a = Math.floor(num / 2) * size;
  const lsbit = size & -size;
  let swaps = 0;
  if (!a) return 0;
  for (;;) {
    let b: number, c: number, d: number;
    if (a) a -= size;
    else if ((n -= size)) {
      swap(0, n, size);
      swaps++;
    } else break;

    // bottom-up sift-down: find the leaf path first, then back up to where "a" belongs
    for (b = a; (c = 2 * b + size), (d = c + size) < n; ) b = cmp(c, d) >= 0 ? c : d;
    if (d === n) b = c;
    while (b !== a && cmp(a, b) >= 0) b = parent(b, lsbit, size);
    c = b;
    while (b !== a) {
      b = parent(b, lsbit, size);
      swap(b, c, size);
      swaps++;
    }
  }
  return swaps;
}

/**
 * sort_r() of 6.12.118 (lib/sort.c): the same bottom-up heapsort, but the sort phase takes the
 * two largest elements per round (the root, then the larger of its children), the sift-down
 * goes to the right child on a tie (`> 0 ? c : d`), and the last two elements are settled after
 * the loop. Returns the number of swaps.
 */
export function sort_double_pop(num: number, size: number, cmp: CmpFunc, swap: SwapFunc): number {
  let n = num * size;
  let a = Math.floor(num / 2) * size;
  const lsbit = size & -size;
  let shift = 0;
  let swaps = 0;
  if (!a) return 0;
  for (;;) {
    let b: number, c: number, d: number;
    if (a) a -= size << shift;
    else if (n > 3 * size) {
      // extract the two largest elements
      n -= size;
      swap(0, n, size);
      shift = cmp(size, 2 * size) <= 0 ? 1 : 0;
      a = size << shift;
      n -= size;
      swap(a, n, size);
      swaps += 2;
    } else break;

    for (b = a; (c = 2 * b + size), (d = c + size) < n; ) b = cmp(c, d) > 0 ? c : d;
    if (d === n) b = c;
    while (b !== a && cmp(a, b) >= 0) b = parent(b, lsbit, size);
    c = b;
    while (b !== a) {
      b = parent(b, lsbit, size);
      swap(b, c, size);
      swaps++;
    }
  }
  n -= size;
  swap(0, n, size);
  swaps++;
  if (n === size * 2 && cmp(0, size) > 0) {
    swap(0, size, size);
    swaps++;
  }
  return swaps;
}

/** The profile's sort_r() (KernelProfile.libSort). */
export const sortOf = (profile: KernelProfile): typeof sort =>
  profile.libSort === 'heapsort-double-pop' ? sort_double_pop : sort;

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * sort(base, num, 8, cmp, NULL) for a table of u64 compared as unsigned numbers (ftrace's
 * __mcount_loc with ftrace_cmp_ips) and swapped whole by the default swap_words_64: the loop
 * above with compare and swap inlined over 32-bit halves, no BigInt. Returns the swaps.
 */
export function sortU64(buf: Uint8Array, num: number): number {
  if (!LITTLE_ENDIAN || buf.byteOffset % 4 !== 0) {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const ip = (off: number) => dv.getBigUint64(off, true);
    return sort(num, 8, (a, b) => (ip(a) > ip(b) ? 1 : ip(a) < ip(b) ? -1 : 0), swapBytes(buf));
  }
  const w = new Uint32Array(buf.buffer, buf.byteOffset, num * 2);
  // element i: low word w[2i], high word w[2i+1]; ge(x, y): element x ≥ element y (cmp ≥ 0)
  const ge = (x: number, y: number) => {
    const xh = w[2 * x + 1]!;
    const yh = w[2 * y + 1]!;
    return xh > yh || (xh === yh && w[2 * x]! >= w[2 * y]!);
  };
  const swap = (x: number, y: number) => {
    const l = w[2 * x]!;
    const h = w[2 * x + 1]!;
    w[2 * x] = w[2 * y]!;
    w[2 * x + 1] = w[2 * y + 1]!;
    w[2 * y] = l;
    w[2 * y + 1] = h;
  };
  // the loop of sort() on element indices (byte offset = 8 × index): parent(i) is (i-1)/2
  let n = num;
  let a = num >>> 1;
  let swaps = 0;
  if (!a) return 0;
  for (;;) {
    let b: number, c: number, d: number;
    if (a) a--;
    else if (--n) {
      swap(0, n);
      swaps++;
    } else break;
    for (b = a; (c = 2 * b + 1), (d = c + 1) < n; ) b = ge(c, d) ? c : d;
    if (d === n) b = c;
    while (b !== a && ge(a, b)) b = (b - 1) >>> 1;
    c = b;
    while (b !== a) {
      b = (b - 1) >>> 1;
      swap(b, c);
      swaps++;
    }
  }
  return swaps;
}
