// String tables: NUL-terminated names looked up by byte offset, as the kernel's strtab reads.
const ascii = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** The NUL-terminated string at `offset` (cut at the table's end if unterminated). */
export function cString(table: Uint8Array, offset: number): string {
  if (offset >= table.length) return '';
  let end = table.indexOf(0, offset);
  if (end < 0) end = table.length;
  const bytes = table.subarray(offset, end);
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return utf8.decode(bytes);
  return ascii.decode(bytes);
}
