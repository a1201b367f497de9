// sort_r() of lib/sort.c (6.1): the kernel's bottom-up heapsort. It is not stable, and the
// tables the loader sorts (ORC, __mcount_loc, __jump_table, .static_call_sites, __ex_table)
// hold relative entries, so which of two equal keys ends up first shows in the bytes: only
// this exact sequence of compares and swaps reproduces the real kernel's memory.

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

/** sort_r(base, num, size, cmp, swap) with offsets from base. Returns the number of swaps. */
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
