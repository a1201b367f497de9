// String tables: NUL-terminated names looked up by byte offset, as the kernel's strtab reads.
// A name is decoded once per table: every symbol or section pointing into the same string shares
// one decoded JS string (a later offset into it is a slice, which V8 keeps as a view), so 20,000
// symbols naming one 1 MB string cost 1 MB, not 20 GB, and time stays linear in the table.
const ascii = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** The NUL-terminated string at `offset` (cut at the table's end if unterminated). */
export function cString(table: Uint8Array, offset: number): string {
  if (offset >= table.length) return '';
  let end = table.indexOf(0, offset);
  if (end < 0) end = table.length;
  return decode(table.subarray(offset, end));
}

function decode(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return utf8.decode(bytes);
  return ascii.decode(bytes);
}

interface Run {
  /** The run's string, decoded as cString() decodes it. */
  text: string;
  /** Only for a non-ASCII run: for each byte, the UTF-16 index where decoding starts afresh there, else -1. */
  starts?: Int32Array;
}

/** One string table, decoded lazily and once per NUL-terminated run. */
export class StringTable {
  private nuls: Uint32Array | undefined;
  private readonly runs = new Map<number, Run>();

  constructor(readonly table: Uint8Array) {}

  /** cString(table, offset), without decoding the same bytes twice. */
  get(offset: number): string {
    const table = this.table;
    if (offset >= table.length) return '';
    const nuls = this.nulIndex();
    const lo = this.firstNul(offset);
    const end = lo < nuls.length ? nuls[lo]! : table.length;
    if (end === offset) return '';
    const start = lo > 0 ? nuls[lo - 1]! + 1 : 0;
    let run = this.runs.get(start);
    if (!run) {
      run = { text: decode(table.subarray(start, end)) };
      this.runs.set(start, run);
    }
    if (offset === start) return run.text;
    if (run.text.length === end - start) return run.text.slice(offset - start); // one byte, one char
    run.starts ??= utf8Starts(table.subarray(start, end));
    let at = offset - start;
    if (run.starts[at]! >= 0) return run.text.slice(run.starts[at]);
    // Inside a multi-byte sequence: those (at most 3) bytes decode on their own.
    const head = at;
    while (at < end - start && run.starts[at]! < 0) at++;
    const tail = at < end - start ? run.text.slice(run.starts[at]) : '';
    return decode(table.subarray(start + head, start + at)) + tail;
  }

  /** strlen(): the bytes from `offset` to its NUL (or the table's end), found without a scan. */
  byteLength(offset: number): number {
    const table = this.table;
    if (offset >= table.length) return 0;
    const nuls = this.nulIndex();
    const lo = this.firstNul(offset);
    return (lo < nuls.length ? nuls[lo]! : table.length) - offset;
  }

  /** The index in nulIndex() of the first NUL at or after offset, by binary search. */
  private firstNul(offset: number): number {
    const nuls = this.nulIndex();
    let lo = 0;
    let hi = nuls.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (nuls[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private nulIndex(): Uint32Array {
    if (this.nuls) return this.nuls;
    const table = this.table;
    let n = 0;
    for (let p = table.indexOf(0); p >= 0; p = table.indexOf(0, p + 1)) n++;
    const nuls = new Uint32Array(n);
    for (let i = 0, p = table.indexOf(0); p >= 0; p = table.indexOf(0, p + 1)) nuls[i++] = p;
    this.nuls = nuls;
    return nuls;
  }
}

/**
 * The WHATWG UTF-8 decoder TextDecoder runs, counting instead of decoding: at each byte where it
 * starts a new code point (a byte it does not take as a continuation), the UTF-16 length so far.
 * A suffix that starts there decodes to the same characters as the rest of the whole run.
 */
function utf8Starts(bytes: Uint8Array): Int32Array {
  const starts = new Int32Array(bytes.length).fill(-1);
  let units = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (needed) {
      if (b >= lower && b <= upper) {
        lower = 0x80;
        upper = 0xbf;
        if (++seen === needed) {
          units += needed === 3 ? 2 : 1;
          needed = seen = 0;
        }
        continue;
      }
      // Not a continuation: U+FFFD for what came before, and this byte starts afresh.
      needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      units++;
    }
    starts[i] = units;
    if (b < 0x80) units++;
    else if (b >= 0xc2 && b <= 0xdf) needed = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
      needed = 2;
    } else if (b >= 0xf0 && b <= 0xf4) {
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
      needed = 3;
    } else units++;
  }
  return starts;
}
