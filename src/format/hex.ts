// Hex as klp-lab prints it, in the core (CLI, exports, traces) and the app alike: readelf-style
// digits for dense columns, 0x-prefixed values, signed addends, byte dumps.

/** Hex digits, no 0x, zero-padded to `width` (readelf's dense columns). A negative value prints its magnitude. */
export function hex(value: bigint | number, width = 0): string {
  const v = typeof value === 'bigint' ? value : BigInt(value >>> 0 === value ? value : Math.trunc(value));
  return (v < 0n ? -v : v).toString(16).padStart(width, '0');
}

export function hex0x(value: bigint | number, width = 0): string {
  return `0x${hex(value, width)}`;
}

/** A 64-bit value as the CPU holds it: a negative bigint in two's complement. */
export const u64Hex = (v: bigint) => hex0x(BigInt.asUintN(64, v));

/** Signed hex as an addend reads in assembly: `+0x10`, `-0x4`. */
export function signedHex(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}` : `+0x${value.toString(16)}`;
}

/** Hex digits needed for the largest of `values` (at least `min`): columns pad to this. */
export function hexDigits(values: Iterable<bigint>, min = 1): number {
  let max = 0n;
  for (const v of values) if (v > max) max = v;
  return Math.max(min, max.toString(16).length);
}

/** One byte as two digits. */
export const byteHex = (b: number) => b.toString(16).padStart(2, '0');

/** Bytes as two digits each, `sep` between: `48 89 e5`. */
export const bytesHex = (b: Uint8Array, sep = ' ') => Array.from(b, byteHex).join(sep);
