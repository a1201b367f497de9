// Every recorded write of a trace, column by column (the WriteLog of types.ts). A big module
// makes ~335k writes (amdgpu.ko: one per relocation plus module_finalize's rewrites); as objects
// with two byte arrays each they cost more than the emulation (allocation, GC) and seconds to
// structured-clone to the UI thread. As columns they are a dozen typed arrays and one byte pool:
// appended without allocating, transferred to the UI thread without copying, and turned back
// into a write object only when a view asks for that write.
import type { RelocationCause, WriteLog, WritePath, WriteRecord } from './types.ts';

export const WRITE_PATHS: readonly WritePath[] = [
  'memcpy',
  'store',
  'text_poke',
  'text_poke_early',
  'probe_kernel_write',
];

/**
 * A relocation write over zeros as apply_relocate_add()'s batch (AddressSpace.applyRelocationBatch)
 * hands it to the log: its RelocationCause with P = the address written, every 64-bit value as
 * two 32-bit halves (lo, hi) so that no BigInt is made, the names as ids of the log's strings
 * (WriteLogWriter.id()). The batch fills one such object for every row: the log copies it.
 */
export interface RelocationWrite {
  addrLo: number;
  addrHi: number;
  /** bytes written: 4 or 8 */
  size: number;
  valueLo: number;
  valueHi: number;
  path: WritePath;
  relsec: number;
  relsecName: number;
  entry: number;
  type: number;
  symbol: number;
  sLo: number;
  sHi: number;
  aLo: number;
  aHi: number;
}

type Column = Exclude<keyof WriteLog, 'length' | 'pool' | 'poolLength' | 'strings'>;
const COLUMNS: Record<
  Column,
  { new (n: number): ArrayBufferView & ArrayLike<unknown> & { set(a: ArrayLike<never>): void } }
> = {
  addr: BigUint64Array,
  path: Uint8Array,
  at: Uint32Array,
  size: Uint32Array,
  what: Int32Array,
  relsec: Int32Array,
  relsecName: Int32Array,
  entry: Uint32Array,
  type: Uint32Array,
  symbol: Int32Array,
  S: BigUint64Array,
  A: BigInt64Array,
  P: BigUint64Array,
  value: BigUint64Array,
};

/**
 * The bytes kept of one write, before and after: all of nearly every write (a relocation, a
 * patched instruction, a small module's kallsyms), the first page of a longer one. A write's
 * length is the kernel's; what the log holds stays a bounded multiple of the number of writes —
 * add_kallsyms() copies every kept symbol's name, so a 1 MB file whose 1,000 symbols name one
 * 1 MB string makes a 1 GB write.
 */
export const WRITE_BYTES_KEPT = 4096;

const PATH_CODE = Object.fromEntries(WRITE_PATHS.map((p, i) => [p, i])) as Record<WritePath, number>;

/** A livepatch scenario on small modules makes 150–350 writes: room for that without growing. */
export function emptyWriteLog(capacity = 512): WriteLog {
  const log = { length: 0, pool: new Uint8Array(capacity * 64), poolLength: 0, strings: [] } as unknown as WriteLog;
  for (const [name, T] of Object.entries(COLUMNS)) (log as unknown as Record<string, unknown>)[name] = new T(capacity);
  return log;
}

function grow(log: WriteLog, rows: number): void {
  const capacity = Math.max(rows, log.addr.length * 2);
  for (const [name, T] of Object.entries(COLUMNS)) {
    const bigger = new T(capacity);
    bigger.set(log[name as Column] as unknown as ArrayLike<never>);
    (log as unknown as Record<string, unknown>)[name] = bigger;
  }
}

function growPool(log: WriteLog, bytes: number): void {
  const bigger = new Uint8Array(Math.max(bytes, log.pool.length * 2));
  bigger.set(log.pool.subarray(0, log.poolLength));
  log.pool = bigger;
}

/** Appends rows to a write log, interning its strings (a few hundred relocation sections and symbols). */
export class WriteLogWriter {
  private readonly ids = new Map<string, number>();
  private lastString: string | undefined;
  private lastId = -1;
  /** 32-bit views of the 64-bit columns, for appendRelocation (no BigInt on the hot path) */
  private u32: ReturnType<typeof views>;

  constructor(readonly log: WriteLog) {
    this.u32 = views(log);
  }

  id(s: string): number {
    if (s === this.lastString) return this.lastId; // a relocation section's writes come in a row
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.log.strings.length;
      this.log.strings.push(s);
      this.ids.set(s, id);
    }
    this.lastString = s;
    this.lastId = id;
    return id;
  }

  /**
   * Appends a write of `bytes` at addr; the bytes before it are `before[from, from + n)`, or zeros
   * when `before` is undefined (a page never written). `size`: the write's length when `bytes` is
   * only its first WRITE_BYTES_KEPT or more. Returns the row.
   */
  append(
    addr: bigint,
    before: Uint8Array | undefined,
    from: number,
    bytes: Uint8Array,
    path: WritePath,
    cause?: RelocationCause,
    what?: string,
    size = bytes.length,
  ): number {
    const log = this.log;
    const i = log.length;
    if (i === log.addr.length) this.grow(i + 1);
    const n = Math.min(size, bytes.length, WRITE_BYTES_KEPT);
    if (log.poolLength + 2 * n > log.pool.length) growPool(log, log.poolLength + 2 * n);
    const at = log.poolLength;
    const pool = log.pool;
    if (n <= 16) {
      // a relocation or a patched instruction: a loop beats making two subarrays
      for (let j = 0; j < n; j++) pool[at + j] = before ? before[from + j]! : 0;
      for (let j = 0; j < n; j++) pool[at + n + j] = bytes[j]!;
    } else {
      if (before) pool.set(n === before.length && from === 0 ? before : before.subarray(from, from + n), at);
      else pool.fill(0, at, at + n);
      pool.set(n === bytes.length ? bytes : bytes.subarray(0, n), at + n);
    }
    log.poolLength = at + 2 * n;
    log.addr[i] = addr;
    log.path[i] = PATH_CODE[path];
    log.at[i] = at;
    log.size[i] = size;
    log.what[i] = what === undefined ? -1 : this.id(what);
    if (cause) {
      log.relsec[i] = cause.relsec;
      log.relsecName[i] = this.id(cause.relsecName);
      log.entry[i] = cause.entry;
      log.type[i] = cause.type;
      log.symbol[i] = this.id(cause.symbol);
      log.S[i] = cause.S;
      log.A[i] = cause.A;
      log.P[i] = cause.P;
      log.value[i] = cause.value;
    } else log.relsec[i] = -1;
    log.length = i + 1;
    return i;
  }

  /** A relocation write over zeros (see RelocationWrite): the row append() makes from a RelocationCause with P = addr. */
  appendRelocation(w: RelocationWrite): number {
    const log = this.log;
    const i = log.length;
    const size = w.size;
    if (i === log.addr.length) this.grow(i + 1);
    if (log.poolLength + 2 * size > log.pool.length) growPool(log, log.poolLength + 2 * size);
    const at = log.poolLength;
    const pool = log.pool;
    const vlo = w.valueLo;
    const vhi = w.valueHi;
    for (let j = 0; j < size; j++) pool[at + j] = 0;
    for (let j = 0; j < size; j++) pool[at + size + j] = (j < 4 ? vlo >>> (8 * j) : vhi >>> (8 * (j - 4))) & 0xff;
    log.poolLength = at + 2 * size;
    const v = this.u32;
    const i2 = 2 * i;
    v.addr[i2] = v.P[i2] = w.addrLo;
    v.addr[i2 + 1] = v.P[i2 + 1] = w.addrHi;
    v.value[i2] = vlo;
    v.value[i2 + 1] = vhi;
    v.S[i2] = w.sLo;
    v.S[i2 + 1] = w.sHi;
    v.A[i2] = w.aLo;
    v.A[i2 + 1] = w.aHi;
    log.path[i] = PATH_CODE[w.path];
    log.at[i] = at;
    log.size[i] = size;
    log.what[i] = -1;
    log.relsec[i] = w.relsec;
    log.relsecName[i] = w.relsecName;
    log.entry[i] = w.entry;
    log.type[i] = w.type;
    log.symbol[i] = w.symbol;
    log.length = i + 1;
    return i;
  }

  private grow(rows: number): void {
    grow(this.log, rows);
    this.u32 = views(this.log);
  }
}

/** Little-endian only: the fast path that uses them is taken on little-endian hosts. */
function views(log: WriteLog) {
  const u32 = (a: BigUint64Array | BigInt64Array) => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  return { addr: u32(log.addr), S: u32(log.S), A: u32(log.A), P: u32(log.P), value: u32(log.value) };
}

/** A write's length (its `new` bytes may be only the first WRITE_BYTES_KEPT of it). */
export const writeLength = (w: WriteRecord) => w.size ?? w.new.length;

/** Write `i` as an object (its byte arrays are views into the pool, not copies). */
export function writeAt(log: WriteLog, i: number): WriteRecord {
  const at = log.at[i]!;
  const size = log.size[i]!;
  const n = Math.min(size, WRITE_BYTES_KEPT);
  const w: WriteRecord = {
    kind: 'write',
    addr: log.addr[i]!,
    old: log.pool.subarray(at, at + n),
    new: log.pool.subarray(at + n, at + 2 * n),
    path: WRITE_PATHS[log.path[i]!]!,
  };
  if (size > n) w.size = size;
  if (log.relsec[i]! >= 0) w.cause = causeAt(log, i);
  if (log.what[i]! >= 0) w.what = log.strings[log.what[i]!]!;
  return w;
}

function causeAt(log: WriteLog, i: number): RelocationCause {
  return {
    relsec: log.relsec[i]!,
    relsecName: log.strings[log.relsecName[i]!]!,
    entry: log.entry[i]!,
    type: log.type[i]!,
    symbol: log.strings[log.symbol[i]!]!,
    S: log.S[i]!,
    A: log.A[i]!,
    P: log.P[i]!,
    value: log.value[i]!,
  };
}

/** The buffers that carry the log, for postMessage's transfer list (the sender loses them). */
export function writeLogTransferables(log: WriteLog): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>([log.pool.buffer as ArrayBuffer]);
  for (const name of Object.keys(COLUMNS)) buffers.add((log[name as Column] as ArrayBufferView).buffer as ArrayBuffer);
  return [...buffers];
}
