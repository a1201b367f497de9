// AddressSpace.writeGather(): a copy of many pieces kept as its pieces until a page of it is read
// or written. Whatever the order of plain writes and gathers, memory must read as if every byte
// had been stored at once — checked against a flat byte array doing exactly that.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceRecorder } from '../../trace/recorder.ts';
import { WRITE_BYTES_KEPT, writeAt } from '../../trace/write_log.ts';
import { AddressSpace, type GatherPieces, KernelFault } from './address_space.ts';
import { PAGE_SIZE } from './page.ts';

const BASE = 0xffffffffc0000000n;
const PAGES = 6;

/** Pieces laid end to end from destination 0, each a run of src or a NUL, with gaps between. */
function gatherOf(
  src: Uint8Array,
  runs: Array<{ from: number; len: number; gap: number; nul: boolean }>,
): GatherPieces {
  const pieces = new Float64Array(3 * runs.length);
  let dst = 0;
  runs.forEach((r, k) => {
    dst += r.gap;
    pieces[3 * k] = dst;
    pieces[3 * k + 1] = r.nul ? -1 : r.from;
    pieces[3 * k + 2] = r.nul ? 1 : r.len;
    dst += r.nul ? 1 : r.len;
  });
  return { src, pieces, count: runs.length, length: dst };
}

/** What the gather stores, byte by byte, into a flat model of the mapping. */
function applyFlat(flat: Uint8Array, at: number, g: GatherPieces): void {
  for (let k = 0; k < g.count; k++) {
    const [dst, from, len] = [g.pieces[3 * k]!, g.pieces[3 * k + 1]!, g.pieces[3 * k + 2]!];
    if (at + dst + len > flat.length) continue; // the model is only compared when everything fit
    if (from < 0) flat.fill(0, at + dst, at + dst + len);
    else flat.set(g.src.subarray(from, from + len), at + dst);
  }
}

describe('AddressSpace.writeGather()', () => {
  it('reads back as the bytes stored at once, through any mix of plain writes and gathers', () => {
    const src = Uint8Array.from({ length: 3 * PAGE_SIZE }, (_, i) => (i * 7 + 1) & 0xff);
    const run = fc.record({
      from: fc.nat({ max: src.length - 1 }),
      len: fc.integer({ min: 1, max: 1500 }),
      gap: fc.nat({ max: 300 }),
      nul: fc.boolean(),
    });
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('write' as const),
        at: fc.nat({ max: PAGES * PAGE_SIZE - 1 }),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 5000 }),
      }),
      fc.record({
        kind: fc.constant('gather' as const),
        at: fc.nat({ max: PAGES * PAGE_SIZE - 1 }),
        runs: fc.array(run, { minLength: 1, maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
        const mem = new AddressSpace(new TraceRecorder('test'));
        mem.map(BASE, PAGES, { write: true, exec: false });
        const flat = new Uint8Array(PAGES * PAGE_SIZE);
        for (const o of ops) {
          if (o.kind === 'write') {
            const bytes = o.bytes.subarray(0, flat.length - o.at);
            mem.write(BASE + BigInt(o.at), bytes, 'memcpy');
            flat.set(bytes, o.at);
          } else {
            const runs = o.runs.map((r) => ({ ...r, len: Math.min(r.len, src.length - r.from) }));
            const g = gatherOf(src, runs);
            if (o.at + g.length > flat.length) {
              // past the mapping's end: the guard page faults, nothing is stored
              expect(() => mem.writeGather(BASE + BigInt(o.at), g, 'memcpy', 'gather')).toThrow(KernelFault);
              continue;
            }
            mem.writeGather(BASE + BigInt(o.at), g, 'memcpy', 'gather');
            applyFlat(flat, o.at, g);
          }
        }
        // the first byte that differs, if any (toEqual on 24 KiB arrays is slow)
        const got = mem.read(BASE, flat.length);
        expect(got.findIndex((b, i) => b !== flat[i])).toBe(-1);
        for (let p = 0; p < PAGES; p++)
          expect(mem.isZero(BASE + BigInt(p * PAGE_SIZE), 64)).toBe(
            flat.subarray(p * PAGE_SIZE, p * PAGE_SIZE + 64).every((b) => b === 0),
          );
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a read-only page as write() does, before storing anything', () => {
    const mem = new AddressSpace(new TraceRecorder('test'));
    mem.map(BASE, 2, { write: true, exec: false });
    mem.setPerm(BASE + BigInt(PAGE_SIZE), { write: false, exec: false });
    const src = new Uint8Array(PAGE_SIZE).fill(0x61);
    const g = gatherOf(src, [{ from: 0, len: PAGE_SIZE, gap: 100, nul: false }]);
    expect(() => mem.writeGather(BASE, g, 'memcpy', 'names')).toThrow(
      /unable to handle page fault for address: ffffffffc0001000/,
    );
    expect(mem.isZero(BASE, PAGE_SIZE)).toBe(true);
  });

  it('copies nothing, and touches no page, when there is nothing to copy (a table ending where its allocation does)', () => {
    const trace = new TraceRecorder('test');
    const mem = new AddressSpace(trace);
    mem.map(BASE, 1, { write: true, exec: false });
    const empty = { src: new Uint8Array(0), pieces: new Float64Array(0), count: 0, length: 0 };
    expect(() => mem.writeGather(BASE + BigInt(PAGE_SIZE), empty, 'memcpy', 'names')).not.toThrow();
    expect([trace.trace.writes.length, trace.trace.writes.size[0]]).toEqual([1, 0]);
  });

  it('write(): nothing written touches no page; a write over a hole is a write oops, not a read one', () => {
    const mem = new AddressSpace(new TraceRecorder('test'));
    mem.map(BASE, 1, { write: false, exec: false });
    mem.map(BASE + BigInt(2 * PAGE_SIZE), 1, { write: true, exec: false });
    expect(() => mem.write(BASE, new Uint8Array(0), 'memcpy')).not.toThrow();
    const hole = new Uint8Array(PAGE_SIZE + 16);
    expect(() => mem.write(BASE + BigInt(2 * PAGE_SIZE - 8), hole, 'text_poke')).toThrow(
      /unable to handle page fault for address: ffffffffc0001ff8/,
    );
    try {
      mem.write(BASE + BigInt(2 * PAGE_SIZE - 8), hole, 'text_poke');
    } catch (e) {
      expect((e as KernelFault).oops[1]).toBe('#PF: supervisor write access in kernel mode');
    }
  });

  it('is one write in the log: its whole length, its first WRITE_BYTES_KEPT bytes before and after', () => {
    const trace = new TraceRecorder('test');
    const mem = new AddressSpace(trace);
    mem.map(BASE, 4, { write: true, exec: false });
    const src = Uint8Array.from({ length: 256 }, (_, i) => i);
    const runs = Array.from({ length: 40 }, () => ({ from: 0, len: 255, gap: 0, nul: false }));
    const g = gatherOf(src, runs);
    mem.writeGather(BASE + 8n, g, 'memcpy', 'core_kallsyms.strtab');
    const log = trace.trace.writes;
    expect(log.length).toBe(1);
    const w = writeAt(log, 0);
    expect(w.size).toBe(40 * 255);
    expect(w.new.length).toBe(WRITE_BYTES_KEPT);
    expect(w.new).toEqual(mem.read(BASE + 8n, WRITE_BYTES_KEPT));
    expect(w.old.every((b) => b === 0)).toBe(true);
  });
});
