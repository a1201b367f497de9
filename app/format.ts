// Number formatting for the app's tables and status lines (hex: src/format/hex.ts).

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
