import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventAt, eventCount, forEachWrite, stepEvents } from './events.ts';
import { TraceRecorder } from './recorder.ts';
import type { RelocationCause, TraceEvent } from './types.ts';
import { WRITE_PATHS, writeAt, writeLogTransferables } from './write_log.ts';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const cause: fc.Arbitrary<RelocationCause> = fc.record({
  relsec: fc.nat(0xffff),
  relsecName: fc.constantFrom('.rela.text', '.klp.rela.vmlinux..text', '.rela.data'),
  entry: fc.nat(),
  type: fc.nat(42),
  symbol: fc.string(),
  S: u64,
  A: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  P: u64,
  value: u64,
});
const write = fc.record({
  kind: fc.constant('write' as const),
  addr: u64,
  old: fc.uint8Array({ maxLength: 40 }),
  path: fc.constantFrom(...WRITE_PATHS),
  cause: fc.option(cause, { nil: undefined }),
  what: fc.option(fc.string(), { nil: undefined }),
});
const other = fc.record({
  kind: fc.constant('sync' as const),
  fn: fc.constant('text_poke_sync' as const),
  why: fc.string(),
});
// a trace as a list of steps, each a list of writes and other events in any order
const script = fc.array(fc.array(fc.oneof(write, other), { maxLength: 30 }), { minLength: 1, maxLength: 6 });

/** What the recorder was told, as the objects a reader should get back. */
type Spec = typeof write extends fc.Arbitrary<infer W> ? W : never;
type Other = typeof other extends fc.Arbitrary<infer O> ? O : never;

function record(steps: Array<Array<Spec | Other>>) {
  const r = new TraceRecorder('6.1');
  const expected: TraceEvent[][] = [];
  for (const events of steps) {
    r.step('step');
    const want: TraceEvent[] = [];
    for (const e of events) {
      if (e.kind !== 'write') {
        r.emit(e);
        want.push(e);
        continue;
      }
      const bytes = e.old.map((b) => b ^ 0xa5); // the new bytes differ from the old
      r.write(e.addr, e.old.length ? e.old : undefined, 0, bytes, e.path, e.cause, e.what);
      const w: TraceEvent = { kind: 'write', addr: e.addr, old: e.old, new: bytes, path: e.path };
      if (e.cause) w.cause = e.cause;
      if (e.what !== undefined) w.what = e.what;
      want.push(w);
    }
    expected.push(want);
  }
  return { trace: r.trace, expected };
}

describe('write log', () => {
  it('gives back every event in order, writes as recorded, with event indices counting each write', () => {
    fc.assert(
      fc.property(script, (steps) => {
        const { trace, expected } = record(steps);
        trace.steps.forEach((s, i) => {
          expect(stepEvents(trace, s)).toEqual(expected[i]);
          expect(eventCount(s)).toBe(expected[i]!.length);
          expected[i]!.forEach((e, j) => expect(eventAt(trace, s, j)).toEqual(e));
          expect(eventAt(trace, s, expected[i]!.length)).toBeUndefined();
          const rows: number[] = [];
          forEachWrite(
            s,
            (row, event) => void (rows.push(row), expect(eventAt(trace, s, event)).toEqual(writeAt(trace.writes, row))),
          );
          expect(rows.length).toBe(expected[i]!.filter((e) => e.kind === 'write').length);
        });
      }),
      { seed: 20261125, numRuns: 300 },
    );
  });

  it('keeps consecutive writes of a step in one run and starts a new one after another event', () => {
    const r = new TraceRecorder('6.1');
    r.step('a');
    for (let i = 0; i < 3; i++) r.write(0x1000n + BigInt(i), undefined, 0, new Uint8Array([i]), 'memcpy');
    r.emit({ kind: 'sync', fn: 'text_poke_sync', why: 'x' });
    r.write(0x2000n, undefined, 0, new Uint8Array([9]), 'text_poke');
    r.step('b');
    r.write(0x3000n, undefined, 0, new Uint8Array([7, 7]), 'store');
    expect(
      r.trace.steps.map((s) => s.events.map((e) => (e.kind === 'writes' ? `${e.from}+${e.count}` : e.kind))),
    ).toEqual([['0+3', 'sync', '3+1'], ['4+1']]);
    expect([...writeAt(r.trace.writes, 4).old]).toEqual([0, 0]); // a page never written reads as zeros
  });

  it('crosses postMessage as transferred buffers and reads the same on the other side', () => {
    const r = new TraceRecorder('6.1');
    r.step('a');
    for (let i = 0; i < 1000; i++)
      r.write(
        0xffffffffc0000000n + BigInt(i * 8),
        undefined,
        0,
        new Uint8Array(8).fill(i & 0xff),
        'memcpy',
        undefined,
        i % 7 ? undefined : `w${i}`,
      );
    const before = structuredClone(stepEvents(r.trace, r.trace.steps[0]!)); // its byte arrays are views of the pool that moves
    const copy = structuredClone(r.trace, { transfer: writeLogTransferables(r.trace.writes) });
    expect(r.trace.writes.pool.byteLength).toBe(0); // moved, not copied
    expect(stepEvents(copy, copy.steps[0]!)).toEqual(before);
  });
});
