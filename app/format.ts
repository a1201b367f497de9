// Number formatting for the tables, readelf-style: hex without 0x in dense columns, padded.

export function hex(value: bigint | number, width = 0): string {
  const v = typeof value === 'bigint' ? value : BigInt(value >>> 0 === value ? value : Math.trunc(value));
  return (v < 0n ? -v : v).toString(16).padStart(width, '0');
}

export function hex0x(value: bigint | number, width = 0): string {
  return `0x${hex(value, width)}`;
}

/** Signed hex as an addend reads in assembly: `+0x10`, `-0x4`. */
export function signedHex(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}` : `+0x${value.toString(16)}`;
}

export function decimal(value: bigint | number): string {
  return value.toString();
}

/** 19.5 MiB, 34.1 KiB, 812 B. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** 320,569 */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function ms(n: number): string {
  return n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
}

/**
 * printk output made visible: control bytes (the kernel prints ELFMAG's raw 0x7f) are written
 * as C octal escapes, as in the kernel source: `Invalid ELF header magic: != \177ELF`.
 */
export function visibleText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** Hex digits needed for the largest of `values` (at least `min`): columns pad to this. */
export function hexDigits(values: Iterable<bigint>, min = 1): number {
  let max = 0n;
  for (const v of values) if (v > max) max = v;
  return Math.max(min, max.toString(16).length);
}
