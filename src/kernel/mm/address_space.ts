// The emulated kernel's virtual memory: 4 KiB pages with the two permission bits W^X is about
// (_PAGE_RW and _PAGE_NX). Every access goes through this class's methods, so a store into a
// page that is not writable is caught as the page fault (and oops) the kernel would take, never
// performed. One method serves a single caller: applyRelocationBatch() writes the common case
// of apply_relocate_add()'s loop in bulk, straight into page bytes, after the same checks.

import { hex } from '../../format/hex.ts';
import type { TraceRecorder } from '../../trace/recorder.ts';
import type { PagePerm, RelocationCause, WritePath } from '../../trace/types.ts';
import type { RelocationWrite } from '../../trace/write_log.ts';
import { WRITE_BYTES_KEPT } from '../../trace/write_log.ts';
import { U64_MAX } from '../limits.ts';
import { PAGE_SHIFT, PAGE_SIZE, pageAddress, pageIndex } from './page.ts';

/** A run of mapped pages (one vmalloc area): permissions per page, contents only where written. */
interface Mapping {
  first: number;
  count: number;
  write: Uint8Array;
  exec: Uint8Array;
  data: Map<number, Uint8Array>;
  /** Copies writeGather() made over pages that held nothing yet, in order: their bytes until written. */
  gathers?: Gather[];
  /** The buffers `data`'s pages are views into, SLAB_PAGES pages each, made on first write. */
  slabs?: Map<number, ArrayBuffer>;
}

/** 256 KiB: untouched pages of a slab cost address space, not memory (it is allocated zeroed). */
const SLAB_PAGES = 64;

/**
 * A gathered copy left unmaterialised: a page of it is made from its pieces when read (and kept
 * once written to), so a 1 GB copy of one 1 MB name repeated costs its piece list, not 1 GB.
 */
interface Gather {
  /** Where the copy starts, in bytes from the mapping's first page (negative: before it). */
  start: number;
  /** GatherPieces.pieces: destination, source offset (-1: a NUL), length per piece. */
  pieces: Float64Array;
  count: number;
  src: Uint8Array;
}

/**
 * A copy of many pieces of one source (add_kallsyms()'s names): per piece its offset in the
 * destination (ascending, not overlapping), its offset in `src` or -1 for a single NUL byte, and
 * its length, as triples.
 */
export interface GatherPieces {
  src: Uint8Array;
  pieces: Float64Array;
  count: number;
  /** The end of the last piece: the bytes the copy spans. */
  length: number;
}

const PAGE_OFFSET_MASK = BigInt(PAGE_SIZE - 1);
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
// for applyRelocationBatch(): a page's index from an address's 32-bit halves, an offset's mask
const PAGES_PER_4G = 2 ** (32 - PAGE_SHIFT);
const OFFSET_IN_PAGE = PAGE_SIZE - 1;

// How applyRelocationBatch() writes one relocation type (RelocationRows.howTo): the low bits
// are the width in bytes; 0 means "not in the batch", left to the caller.
/** R_X86_64_NONE: nothing written. */
export const RELOC_SKIP = 0x80;
/** value -= P (the place). */
export const RELOC_PCREL = 0x10;
/** the value must fit an unsigned 32-bit field. */
export const RELOC_FITS_U32 = 0x20;
/** the value must fit a signed 32-bit field. */
export const RELOC_FITS_S32 = 0x40;
const RELOC_SIZE = 0x0f;

/**
 * One relocation section's entries for applyRelocationBatch(), as columns (an object per entry
 * would be 320k allocations for amdgpu.ko). Every 64-bit value comes as its two 32-bit halves
 * (lo, hi) — a Uint32Array view of the 64-bit column — so that the loop makes no BigInt.
 */
export interface RelocationRows {
  count: number;
  /** ELF64_R_TYPE(r_info) of each entry */
  types: Uint32Array;
  /** r_offset of each entry, as halves */
  offsets: Uint32Array;
  /** ELF64_R_SYM(r_info) of each entry */
  symbols: Uint32Array;
  /** r_addend of each entry, as halves */
  addends: Uint32Array;
  /** S: the st_value of each symbol, as halves; `symbolCount` of them */
  symbolValues: Uint32Array;
  symbolCount: number;
  /** sh_addr of the section the entries patch, as halves */
  targetLo: number;
  targetHi: number;
  /** By relocation type: its width | RELOC_PCREL | RELOC_FITS_*, or RELOC_SKIP; 0 (or past the end): the caller's */
  howTo: Uint8Array;
  path: WritePath;
  /** Entries applied, by relocation type (added to) */
  counts: Uint32Array;
  /** For the trace: the section's index, its name as a write-log string id, each symbol's name */
  relsec: number;
  relsecName: number;
  symbolName(index: number): string;
  /** The write-log string ids of the symbols named so far (filled in as they are) */
  symbolIds: Map<number, number>;
}

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
  /**
   * Whether apply_relocate_add() hands its common case to applyRelocationBatch(): on a
   * little-endian host (the halves of RelocationRows are what a Uint32Array view shows there);
   * false runs its faithful loop alone (and the test that proves both write the same).
   */
  relocationBatch = LITTLE_ENDIAN;
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
   * apply_relocate_add()'s common case in bulk, from entry `from` on: an entry whose target lies
   * in one mapped page that `path` may write (memcpy and store need it writable), is still zero,
   * and whose value fits, is written — the bytes and the trace row write() would make with its
   * RelocationCause — and counted; R_X86_64_NONE is counted. It stops at the first entry that is
   * anything else and returns its index (rows.count when there is none): the caller runs that
   * entry the faithful way, with every check, message and fault of the kernel's loop.
   */
  applyRelocationBatch(rows: RelocationRows, from: number): number {
    const { count, types, offsets, symbols, addends, symbolValues, symbolCount, howTo, counts } = rows;
    const { targetLo, targetHi, path } = rows;
    const needsWritable = path === 'memcpy' || path === 'store';
    const trace = this.recordWrites ? this.trace : undefined;
    // module bindings as locals: the loop runs 300k times for a big module
    const SKIP = RELOC_SKIP;
    const SIZE = RELOC_SIZE;
    const PCREL = RELOC_PCREL;
    const FITS_U32 = RELOC_FITS_U32;
    const FITS_S32 = RELOC_FITS_S32;
    const PAGE = PAGE_SIZE;
    const SHIFT = PAGE_SHIFT;
    const PER_4G = PAGES_PER_4G;
    const IN_PAGE = OFFSET_IN_PAGE;
    // the page last written: a section's relocations mostly go forward through its pages
    let pIndex = -1;
    let pMap: Mapping | undefined;
    let pI = 0;
    let pData: Uint8Array | undefined;
    let pOk = false;
    let written = 0;
    let i = from;
    for (; i < count; i++) {
      const type = types[i]!;
      const how = type < howTo.length ? howTo[type]! : 0;
      if (how === SKIP) {
        counts[type]!++;
        continue;
      }
      const size = how & SIZE;
      if (!size) break;
      // loc = target->sh_addr + r_offset (mod 2^64)
      let llo = targetLo + offsets[2 * i]!;
      const lcarry = llo > 0xffffffff ? 1 : 0;
      llo >>>= 0;
      const lhi = (targetHi + offsets[2 * i + 1]! + lcarry) >>> 0;
      const pageOff = llo & IN_PAGE;
      if (pageOff + size > PAGE) break;
      const index = lhi * PER_4G + (llo >>> SHIFT);
      if (index !== pIndex) {
        pIndex = index;
        pMap = this.find(index);
        if (pMap) {
          pI = index - pMap.first;
          pData = pMap.data.get(pI) ?? (pMap.gathers && this.pageForWrite(pMap, pI));
          pOk = !needsWritable || pMap.write[pI] === 1;
        } else pOk = false;
      }
      if (!pOk) break;
      // the target must still be zero
      let zero = true;
      if (pData) for (let j = 0; j < size; j++) if (pData[pageOff + j] !== 0) zero = false;
      if (!zero) break;
      // val = S + A (mod 2^64)
      const sym = symbols[i]!;
      const slo = sym < symbolCount ? symbolValues[2 * sym]! : 0;
      const shi = sym < symbolCount ? symbolValues[2 * sym + 1]! : 0;
      let vlo = slo + addends[2 * i]!;
      const vcarry = vlo > 0xffffffff ? 1 : 0;
      vlo >>>= 0;
      let vhi = (shi + addends[2 * i + 1]! + vcarry) >>> 0;
      if (how & PCREL) {
        // val -= loc (mod 2^64)
        vlo -= llo;
        const borrow = vlo < 0 ? 1 : 0;
        vlo >>>= 0;
        vhi = (vhi - lhi - borrow) >>> 0;
      }
      if (how & FITS_U32 && vhi !== 0) break;
      if (how & FITS_S32 && vhi !== ((vlo | 0) < 0 ? 0xffffffff : 0)) break;
      if (!pData) pData = this.pageForWrite(pMap!, pI);
      if (trace) {
        const w = relocationWrite;
        w.addrLo = llo;
        w.addrHi = lhi;
        w.size = size;
        w.valueLo = vlo;
        w.valueHi = vhi;
        w.path = path;
        w.relsec = rows.relsec;
        w.relsecName = rows.relsecName;
        w.entry = i;
        w.type = type;
        w.symbol = symbolId(rows, trace, sym);
        w.sLo = slo;
        w.sHi = shi;
        w.aLo = addends[2 * i]!;
        w.aHi = addends[2 * i + 1]!;
        trace.relocation(w);
      }
      pData[pageOff] = vlo & 0xff;
      pData[pageOff + 1] = (vlo >>> 8) & 0xff;
      pData[pageOff + 2] = (vlo >>> 16) & 0xff;
      pData[pageOff + 3] = vlo >>> 24;
      if (size === 8) {
        pData[pageOff + 4] = vhi & 0xff;
        pData[pageOff + 5] = (vhi >>> 8) & 0xff;
        pData[pageOff + 6] = (vhi >>> 16) & 0xff;
        pData[pageOff + 7] = vhi >>> 24;
      }
      written++;
      counts[type]!++;
    }
    if (written) {
      const fn = this.trace.path.at(-1) ?? '?';
      this.writesBy.set(fn, (this.writesBy.get(fn) ?? 0) + written);
    }
    return i;
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

  /** Page i's bytes as they are, or undefined for a page that is all zeros; a gathered page is made, not kept. */
  private pageBytes(m: Mapping, i: number): Uint8Array | undefined {
    return m.data.get(i) ?? (m.gathers ? gatheredPage(m.gathers, i) : undefined);
  }

  /** Page i's bytes to write into, kept from now on. */
  private pageForWrite(m: Mapping, i: number): Uint8Array {
    let data = m.data.get(i);
    if (data) return data;
    // pages come out of slabs of SLAB_PAGES: one ArrayBuffer per page made amdgpu.ko's load
    // 2,400 of them, and V8 answers many external buffers with collections
    const slab = Math.floor(i / SLAB_PAGES);
    let buffer = (m.slabs ??= new Map()).get(slab);
    if (!buffer)
      m.slabs.set(slab, (buffer = new ArrayBuffer(Math.min(SLAB_PAGES, m.count - slab * SLAB_PAGES) * PAGE_SIZE)));
    data = new Uint8Array(buffer, (i % SLAB_PAGES) * PAGE_SIZE, PAGE_SIZE);
    if (m.gathers) for (const g of m.gathers) fillPage(data, g, i);
    m.data.set(i, data);
    return data;
  }

  /**
   * A memcpy of many pieces as one write (add_kallsyms() copying each kept symbol's name into
   * the core string table): checked like write() — every page mapped, and writable for memcpy
   * and store — and recorded as one write of `g.length` bytes. Pages that already hold bytes get
   * the pieces now; the others keep the copy as its pieces until they are read or written.
   */
  writeGather(addr: bigint, g: GatherPieces, path: WritePath, what: string): void {
    // nothing to copy touches no page (the table may end exactly where the allocation does)
    addr &= U64_MAX;
    if (g.length === 0) {
      this.write(addr, new Uint8Array(0), path, { what });
      return;
    }
    const needsWritable = path === 'memcpy' || path === 'store';
    const first = pageIndex(addr);
    // a copy running past the top of the address space goes on at address 0, never mapped
    const lastByte = addr + BigInt(g.length) - 1n;
    const wraps = lastByte > U64_MAX;
    const last = pageIndex(wraps ? U64_MAX : lastByte);
    for (let index = first; index <= last; ) {
      const m = this.find(index);
      const at = index === first ? addr : pageAddress(index);
      if (!m) throw new KernelFault(at, oopsFor(at, 'write', undefined));
      const end = Math.min(last + 1, m.first + m.count);
      for (let i = index; i < end; i++)
        if (needsWritable && !m.write[i - m.first])
          this.fault(i === first ? addr : pageAddress(i), g.length, path, {
            write: false,
            exec: m.exec[i - m.first] === 1,
          });
      index = end;
    }
    if (wraps) throw new KernelFault(0n, oopsFor(0n, 'write', undefined));
    if (this.recordWrites) {
      const kept = Math.min(g.length, WRITE_BYTES_KEPT);
      const old = this.read(addr, kept);
      const bytes = new Uint8Array(kept);
      fillFromPieces(bytes, 0, kept, g.src, g.pieces, g.count);
      this.trace.write(addr, old, 0, bytes, path, undefined, what, g.length);
    }
    const startOffset = Number(addr & PAGE_OFFSET_MASK);
    for (let index = first; index <= last; ) {
      const m = this.find(index)!;
      const gather: Gather = {
        start: (first - m.first) * PAGE_SIZE + startOffset,
        pieces: g.pieces,
        count: g.count,
        src: g.src,
      };
      const end = Math.min(last + 1, m.first + m.count);
      for (let i = index - m.first; i < end - m.first; i++) {
        const data = m.data.get(i);
        if (data) fillPage(data, gather, i);
      }
      (m.gathers ??= []).push(gather);
      index = end;
    }
    const fn = this.trace.path.at(-1) ?? '?';
    this.writesBy.set(fn, (this.writesBy.get(fn) ?? 0) + 1);
  }

  isMapped(addr: bigint): boolean {
    return this.find(pageIndex(addr & U64_MAX)) !== undefined;
  }

  perm(addr: bigint): PagePerm | undefined {
    const index = pageIndex(addr & U64_MAX);
    const m = this.find(index);
    return m && { write: m.write[index - m.first] === 1, exec: m.exec[index - m.first] === 1 };
  }

  setPerm(addr: bigint, perm: PagePerm): void {
    const index = pageIndex(addr & U64_MAX);
    const m = this.find(index);
    if (!m) return;
    m.write[index - m.first] = perm.write ? 1 : 0;
    m.exec[index - m.first] = perm.exec ? 1 : 0;
  }

  /** Whether `length` bytes at addr are all zero (the relocation target check), without copying. */
  isZero(addr: bigint, length: number): boolean {
    const fast = this.within(addr, length);
    if (fast) {
      const data = this.pageBytes(fast.m, fast.i);
      if (!data) return true;
      for (let j = fast.off; j < fast.off + length; j++) if (data[j] !== 0) return false;
      return true;
    }
    let zero = true;
    this.forEachChunk(addr & U64_MAX, length, (m, i, off, _pos, n, index) => {
      if (!m) throw readFault(index, off);
      const data = this.pageBytes(m, i);
      if (data) for (let j = off; j < off + n; j++) if (data[j] !== 0) zero = false;
    });
    return zero;
  }

  /** Bytes at addr; unmapped bytes read as a fault (the kernel would oops on the read). */
  read(addr: bigint, length: number): Uint8Array {
    const w = this.within(addr & U64_MAX, length);
    if (w) {
      const data = this.pageBytes(w.m, w.i);
      return data ? data.slice(w.off, w.off + length) : new Uint8Array(length);
    }
    const out = new Uint8Array(length);
    this.readInto(addr, out);
    return out;
  }

  /** read() into `out` (its length): a big image read through one reused buffer. */
  readInto(addr: bigint, out: Uint8Array): void {
    this.forEachChunk(addr & U64_MAX, out.length, (m, i, off, pos, n, index) => {
      if (!m) throw readFault(index, off);
      const data = this.pageBytes(m, i);
      if (data) out.set(data.subarray(off, off + n), pos);
      else out.fill(0, pos, pos + n);
    });
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
   * probe_kernel_write (5.4 ftrace) returns -EFAULT instead of oopsing, and may go through the
   * kernel text's direct-map alias: its caller checks writability (arch/x86/ftrace.ts).
   */
  write(
    addr: bigint,
    bytes: Uint8Array,
    path: WritePath,
    extra: { cause?: RelocationCause; what?: string } = {},
  ): void {
    addr &= U64_MAX;
    if (bytes.length === 0) {
      // memcpy() of nothing touches no page, whatever its permissions
      if (this.recordWrites) this.trace.write(addr, undefined, 0, bytes, path, extra.cause, extra.what);
      const fn = this.trace.path.at(-1) ?? '?';
      this.writesBy.set(fn, (this.writesBy.get(fn) ?? 0) + 1);
      return;
    }
    const fast = this.within(addr, bytes.length);
    if (fast) {
      // inside one mapped page (nearly every write): no per-chunk callbacks
      if ((path === 'memcpy' || path === 'store') && !fast.m.write[fast.i])
        this.fault(addr, bytes.length, path, { write: false, exec: fast.m.exec[fast.i] === 1 });
      const data = fast.m.gathers ? this.pageForWrite(fast.m, fast.i) : fast.m.data.get(fast.i);
      // recorded before the store: the log copies the bytes it overwrites
      if (this.recordWrites) this.trace.write(addr, data, fast.off, bytes, path, extra.cause, extra.what);
      (data ?? this.pageForWrite(fast.m, fast.i)).set(bytes, fast.off);
      const fn = this.trace.path.at(-1) ?? '?';
      this.writesBy.set(fn, (this.writesBy.get(fn) ?? 0) + 1);
      return;
    }
    const needsWritable = path === 'memcpy' || path === 'store';
    this.forEachChunk(addr, bytes.length, (m, i, off, _pos, _n, index) => {
      const at = (pageAddress(index) + BigInt(off)) & U64_MAX;
      if (!m) throw new KernelFault(at, oopsFor(at, 'write', undefined));
      if (needsWritable && !m.write[i]) this.fault(at, bytes.length, path, { write: false, exec: m.exec[i] === 1 });
    });
    // after the checks: a write into a hole is the write's oops, not a read's
    const old = this.recordWrites ? this.read(addr, Math.min(bytes.length, WRITE_BYTES_KEPT)) : undefined;
    this.forEachChunk(addr, bytes.length, (m, i, off, pos, n) => {
      this.pageForWrite(m!, i).set(bytes.subarray(pos, pos + n), off);
    });
    const fn = this.trace.path.at(-1) ?? '?';
    this.writesBy.set(fn, (this.writesBy.get(fn) ?? 0) + 1);
    if (old) this.trace.write(addr, old, 0, bytes, path, extra.cause, extra.what, bytes.length);
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
    this.forEachChunk(addr & U64_MAX, bytes.length, (m, i, off, pos, n, index) => {
      if (!m?.write[i]) {
        const at = (pageAddress(index) + BigInt(off)) & U64_MAX;
        throw new KernelFault(at, oopsFor(at, 'write', m && { write: false, exec: m.exec[i] === 1 }));
      }
      this.pageForWrite(m, i).set(bytes.subarray(pos, pos + n), off);
    });
  }

  /**
   * `fn` for each page-sized piece of [addr, addr + length): the mapping holding it (undefined:
   * unmapped) and its page there, the offset in that page, the offset in the range, the length,
   * and the page's index (for a fault's address). No object or bigint per piece.
   */
  private forEachChunk(
    addr: bigint,
    length: number,
    fn: (m: Mapping | undefined, i: number, offset: number, pos: number, n: number, index: number) => void,
  ): void {
    let pos = 0;
    let index = pageIndex(addr & U64_MAX);
    let offset = Number(addr & PAGE_OFFSET_MASK);
    let m: Mapping | undefined;
    while (pos < length) {
      const n = Math.min(length - pos, PAGE_SIZE - offset);
      if (!m || index < m.first || index >= m.first + m.count) m = this.find(index);
      fn(m, m ? index - m.first : 0, offset, pos, n, index);
      pos += n;
      index++;
      offset = 0;
    }
  }
}

/** The oops of a read from an unmapped page. */
function readFault(index: number, offset: number): KernelFault {
  const at = (pageAddress(index) + BigInt(offset)) & U64_MAX;
  return new KernelFault(at, oopsFor(at, 'read', undefined));
}

/** Page i of a mapping made from the gathers over it, in order; undefined when none reaches it. */
function gatheredPage(gathers: Gather[], i: number): Uint8Array | undefined {
  let page: Uint8Array | undefined;
  for (const g of gathers) {
    const lo = i * PAGE_SIZE - g.start;
    const end = g.count ? g.pieces[3 * (g.count - 1)]! + g.pieces[3 * (g.count - 1) + 2]! : 0;
    if (lo + PAGE_SIZE <= 0 || lo >= end) continue;
    page ??= new Uint8Array(PAGE_SIZE);
    fillPage(page, g, i);
  }
  return page;
}

/** The bytes of gather g that fall into page i of its mapping, written into `page`. */
function fillPage(page: Uint8Array, g: Gather, i: number): void {
  const lo = i * PAGE_SIZE - g.start;
  const from = Math.max(0, lo);
  fillFromPieces(page, from - lo, lo + PAGE_SIZE - from, g.src, g.pieces, g.count, from);
}

/**
 * out[at …] = the copy's bytes from destination offset `from` on, `n` of them at most: pieces
 * found by binary search, gaps between them left as they are.
 */
function fillFromPieces(
  out: Uint8Array,
  at: number,
  n: number,
  src: Uint8Array,
  pieces: Float64Array,
  count: number,
  from = 0,
): void {
  const to = from + n;
  // the first piece that ends after `from`
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pieces[3 * mid]! + pieces[3 * mid + 2]! <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < count; k++) {
    const dst = pieces[3 * k]!;
    if (dst >= to) break;
    const s = pieces[3 * k + 1]!;
    const len = pieces[3 * k + 2]!;
    const a = Math.max(dst, from);
    const b = Math.min(dst + len, to);
    if (s < 0) out.fill(0, at + a - from, at + b - from);
    else out.set(src.subarray(s + a - dst, s + b - dst), at + a - from);
  }
}

// the batch's one RelocationWrite, filled anew for every row (the write log copies it)
const relocationWrite: RelocationWrite = {
  addrLo: 0,
  addrHi: 0,
  size: 0,
  valueLo: 0,
  valueHi: 0,
  path: 'memcpy',
  relsec: 0,
  relsecName: 0,
  entry: 0,
  type: 0,
  symbol: 0,
  sLo: 0,
  sHi: 0,
  aLo: 0,
  aHi: 0,
};

/** A symbol's write-log string id, interned the first time one of its relocations is recorded. */
function symbolId(rows: RelocationRows, trace: TraceRecorder, sym: number): number {
  let id = rows.symbolIds.get(sym);
  if (id === undefined) rows.symbolIds.set(sym, (id = trace.intern(rows.symbolName(sym))));
  return id;
}

/** What arch/x86/mm/fault.c prints first (show_fault_oops(), __die_header()), 6.1. */
function oopsFor(addr: bigint, access: 'read' | 'write' | 'exec', perm: PagePerm | undefined): string[] {
  const present = perm !== undefined;
  const code = (present ? 1 : 0) | (access === 'write' ? 2 : 0) | (access === 'exec' ? 0x10 : 0);
  return [
    `BUG: unable to handle page fault for address: ${hex(addr, 16)}`,
    `#PF: supervisor ${access === 'exec' ? 'instruction fetch' : access} access in kernel mode`,
    `#PF: error_code(0x${code.toString(16).padStart(4, '0')}) - ${present ? 'permissions violation' : 'not-present page'}`,
    `Oops: ${code.toString(16).padStart(4, '0')} [#1] SMP NOPTI`,
  ];
}
