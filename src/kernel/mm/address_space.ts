// The emulated kernel's virtual memory: 4 KiB pages with the two permission bits W^X is about
// (_PAGE_RW and _PAGE_NX). Every access goes through here, so a store into a page that is not
// writable is caught as the page fault (and oops) the kernel would take, never performed.
import type { TraceRecorder } from '../../trace/recorder.ts';
import type { PagePerm, RelocationCause, WritePath } from '../../trace/types.ts';
import { hex, PAGE_SIZE, pageAddress, pageIndex } from './page.ts';

interface Page {
  data: Uint8Array;
  perm: PagePerm;
}

/** A run of mapped pages (one vmalloc area): permissions per page, contents only where written. */
export interface Mapping {
  first: number;
  count: number;
  write: Uint8Array;
  exec: Uint8Array;
  data: Map<number, Uint8Array>;
}

const ZERO_PAGE = new Uint8Array(PAGE_SIZE);
const U64 = (1n << 64n) - 1n;
const PAGE_OFFSET_MASK = BigInt(PAGE_SIZE - 1);

export class KernelFault extends Error {
  constructor(
    readonly addr: bigint,
    readonly oops: string[],
  ) {
    super(oops[0]);
  }
}

export class AddressSpace {
  /** Sorted by first page; a 1 GiB vmalloc costs two small typed arrays, not a million objects. */
  private readonly mappings: Mapping[] = [];

  /** false: writes are checked and made but not recorded one by one (the CLI's image runs). */
  recordWrites = true;
  /** Writes made, by the kernel function that made them (always counted). */
  readonly writesBy = new Map<string, number>();

  constructor(private readonly trace: TraceRecorder) {}

  map(addr: bigint, count: number, perm: PagePerm): void {
    const m: Mapping = {
      first: pageIndex(addr),
      count,
      write: new Uint8Array(count).fill(perm.write ? 1 : 0),
      exec: new Uint8Array(count).fill(perm.exec ? 1 : 0),
      data: new Map(),
    };
    const at = this.mappings.findIndex((x) => x.first > m.first);
    this.mappings.splice(at < 0 ? this.mappings.length : at, 0, m);
  }

  unmap(addr: bigint, count: number): void {
    const first = pageIndex(addr);
    const i = this.mappings.findIndex((m) => m.first === first && m.count === count);
    if (i >= 0) this.mappings.splice(i, 1);
  }

  /**
   * The mapping holding page `index`, for bulk writers that check and write a page's bytes
   * themselves (the relocation loop when writes are not recorded): `write[i]`/`exec[i]` are
   * page i's permission bits, `data.get(i)` its contents (absent: all zero; a writer creates it).
   */
  mappingAt(index: number): Mapping | undefined {
    return this.find(index);
  }

  /** Count `n` writes made straight into page bytes by the function on top of the call path. */
  countWrites(n: number): void {
    if (!n) return;
    const fn = this.trace.path.at(-1) ?? '?';
    this.writesBy.set(fn, (this.writesBy.get(fn) ?? 0) + n);
  }

  private find(index: number): Mapping | undefined {
    let lo = 0;
    let hi = this.mappings.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.mappings[mid]!;
      if (index < m.first) hi = mid - 1;
      else if (index >= m.first + m.count) lo = mid + 1;
      else return m;
    }
    return undefined;
  }

  private page(index: number, forWrite: boolean): Page | undefined {
    const m = this.find(index);
    if (!m) return undefined;
    const i = index - m.first;
    let data = m.data.get(i);
    if (!data) {
      if (!forWrite) return { data: ZERO_PAGE, perm: { write: m.write[i] === 1, exec: m.exec[i] === 1 } };
      data = new Uint8Array(PAGE_SIZE);
      m.data.set(i, data);
    }
    return { data, perm: { write: m.write[i] === 1, exec: m.exec[i] === 1 } };
  }

  isMapped(addr: bigint): boolean {
    return this.find(pageIndex(addr & U64)) !== undefined;
  }

  perm(addr: bigint): PagePerm | undefined {
    return this.page(pageIndex(addr & U64), false)?.perm;
  }

  setPerm(addr: bigint, perm: PagePerm): void {
    const index = pageIndex(addr & U64);
    const m = this.find(index);
    if (!m) return;
    m.write[index - m.first] = perm.write ? 1 : 0;
    m.exec[index - m.first] = perm.exec ? 1 : 0;
  }

  /** Whether `length` bytes at addr are all zero (the relocation target check), without copying. */
  isZero(addr: bigint, length: number): boolean {
    const fast = this.within(addr, length);
    if (fast) {
      const data = fast.m.data.get(fast.i);
      if (!data) return true;
      for (let j = fast.off; j < fast.off + length; j++) if (data[j] !== 0) return false;
      return true;
    }
    let zero = true;
    this.forEachChunk(addr & U64, length, false, (page, off, _pos, n, at) => {
      if (!page) throw new KernelFault(at, oopsFor(at, 'read', undefined));
      for (let i = off; i < off + n; i++) if (page.data[i] !== 0) zero = false;
    });
    return zero;
  }

  /** Bytes at addr; unmapped bytes read as a fault (the kernel would oops on the read). */
  read(addr: bigint, length: number): Uint8Array {
    const w = this.within(addr & U64, length);
    if (w) {
      const data = w.m.data.get(w.i);
      return data ? data.slice(w.off, w.off + length) : new Uint8Array(length);
    }
    const out = new Uint8Array(length);
    this.forEachChunk(addr, length, false, (page, off, pos, n, at) => {
      if (!page) throw new KernelFault(at, oopsFor(at, 'read', undefined));
      out.set(page.data.subarray(off, off + n), pos);
    });
    return out;
  }

  /** Up to `max` bytes from addr, stopping before the first unmapped page (instruction decoding reads ahead). */
  readAhead(addr: bigint, max: number): Uint8Array {
    let n = max;
    while (n > 0 && !this.isMapped(addr + BigInt(n - 1))) n--;
    return n > 0 ? this.read(addr, n) : new Uint8Array(0);
  }

  /**
   * Write through `path`. A plain store or memcpy needs every page writable; text_poke and
   * text_poke_early go through a writable alias (or an unformed module's own mapping) and
   * need only present pages. A refused write is recorded as the oops and thrown.
   */
  write(
    addr: bigint,
    bytes: Uint8Array,
    path: WritePath,
    extra: { cause?: RelocationCause; what?: string } = {},
  ): void {
    addr &= U64;
    const fast = this.within(addr, bytes.length);
    if (fast) {
      // inside one mapped page (nearly every write): no per-chunk callbacks
      if ((path === 'memcpy' || path === 'store') && !fast.m.write[fast.i])
        this.fault(addr, bytes.length, path, { write: false, exec: fast.m.exec[fast.i] === 1 });
      let data = fast.m.data.get(fast.i);
      // recorded before the store: the log copies the bytes it overwrites
      if (this.recordWrites) this.trace.write(addr, data, fast.off, bytes, path, extra.cause, extra.what);
      if (!data) fast.m.data.set(fast.i, (data = new Uint8Array(PAGE_SIZE)));
      data.set(bytes, fast.off);
      const fn = this.trace.path.at(-1) ?? '?';
      this.writesBy.set(fn, (this.writesBy.get(fn) ?? 0) + 1);
      return;
    }
    const old = this.recordWrites ? this.read(addr, bytes.length) : undefined;
    const needsWritable = path === 'memcpy' || path === 'store';
    this.forEachChunk(addr, bytes.length, false, (page, _off, _pos, _n, at) => {
      if (!page) throw new KernelFault(at, oopsFor(at, 'write', undefined));
      if (needsWritable && !page.perm.write) this.fault(at, bytes.length, path, page.perm);
    });
    this.forEachChunk(addr, bytes.length, true, (page, off, pos, n, at) => {
      if (!page) throw new KernelFault(at, oopsFor(at, 'write', undefined));
      page.data.set(bytes.subarray(pos, pos + n), off);
    });
    const fn = this.trace.path.at(-1) ?? '?';
    this.writesBy.set(fn, (this.writesBy.get(fn) ?? 0) + 1);
    if (old) this.trace.write(addr, old, 0, bytes, path, extra.cause, extra.what);
  }

  private fault(at: bigint, size: number, path: WritePath, perm: PagePerm): never {
    const oops = oopsFor(at, 'write', perm);
    this.trace.emit({ kind: 'fault', addr: at, size, path, oops });
    throw new KernelFault(at, oops);
  }

  /** The mapping, page and offset of an access that stays inside one mapped page. */
  private within(addr: bigint, length: number): { m: Mapping; i: number; off: number } | undefined {
    const off = Number(addr & PAGE_OFFSET_MASK);
    if (off + length > PAGE_SIZE) return undefined;
    const index = pageIndex(addr);
    const m = this.find(index);
    return m && { m, i: index - m.first, off };
  }

  /** Bulk copy that is recorded by the caller as one event (move_module's memcpy of a section). */
  copyIn(addr: bigint, bytes: Uint8Array): void {
    this.forEachChunk(addr & U64, bytes.length, true, (page, off, pos, n, at) => {
      if (!page?.perm.write) throw new KernelFault(at, oopsFor(at, 'write', page?.perm));
      page.data.set(bytes.subarray(pos, pos + n), off);
    });
  }

  private forEachChunk(
    addr: bigint,
    length: number,
    forWrite: boolean,
    fn: (page: Page | undefined, offset: number, pos: number, n: number, at: bigint) => void,
  ): void {
    let pos = 0;
    let index = pageIndex(addr & U64);
    let offset = Number(addr & PAGE_OFFSET_MASK);
    while (pos < length) {
      const n = Math.min(length - pos, PAGE_SIZE - offset);
      fn(this.page(index, forWrite), offset, pos, n, (pageAddress(index) + BigInt(offset)) & U64);
      pos += n;
      index++;
      offset = 0;
    }
  }
}

/** What arch/x86/mm/fault.c prints first (show_fault_oops(), __die_header()), 6.1. */
export function oopsFor(addr: bigint, access: 'read' | 'write' | 'exec', perm: PagePerm | undefined): string[] {
  const present = perm !== undefined;
  const code = (present ? 1 : 0) | (access === 'write' ? 2 : 0) | (access === 'exec' ? 0x10 : 0);
  return [
    `BUG: unable to handle page fault for address: ${hex(addr)}`,
    `#PF: supervisor ${access === 'exec' ? 'instruction fetch' : access} access in kernel mode`,
    `#PF: error_code(0x${code.toString(16).padStart(4, '0')}) - ${present ? 'permissions violation' : 'not-present page'}`,
    `Oops: ${code.toString(16).padStart(4, '0')} [#1] SMP NOPTI`,
  ];
}
