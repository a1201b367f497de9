// include/vdso/limits.h: the all-ones 64-bit value, which also masks a BigInt to what a u64
// (an address, an unsigned long) holds.
export const U64_MAX = (1n << 64n) - 1n;
