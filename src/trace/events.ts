// Reading a step's events one by one, writes included: a step stores its writes as runs of
// rows of the trace's write log (write_log.ts), and event indices count every write, so a
// selection or permalink names the same event however the writes are stored.
import type { Step, Trace, TraceEvent, WritePath } from './types.ts';
import { WRITE_PATHS, writeAt } from './write_log.ts';

/** How many events the step has, each write counted. */
export function eventCount(step: Step): number {
  let n = 0;
  for (const e of step.events) n += e.kind === 'writes' ? e.count : 1;
  return n;
}

/** Calls fn with every event of the step and its index, writes made into objects one at a time. */
export function forEachEvent(trace: Trace, step: Step, fn: (e: TraceEvent, index: number) => void): void {
  let index = 0;
  for (const e of step.events) {
    if (e.kind !== 'writes') fn(e, index++);
    else for (let i = e.from; i < e.from + e.count; i++) fn(writeAt(trace.writes, i), index++);
  }
}

/** The step's events as objects (for a small step, or a test; a view of a big step iterates). */
export function stepEvents(trace: Trace, step: Step): TraceEvent[] {
  const out: TraceEvent[] = [];
  forEachEvent(trace, step, (e) => out.push(e));
  return out;
}

/** Event `index` of the step (writes counted one by one). */
export function eventAt(trace: Trace, step: Step, index: number): TraceEvent | undefined {
  if (index < 0) return undefined;
  let at = 0;
  for (const e of step.events) {
    const n = e.kind === 'writes' ? e.count : 1;
    if (index < at + n) return e.kind === 'writes' ? writeAt(trace.writes, e.from + index - at) : e;
    at += n;
  }
  return undefined;
}

/** Calls fn(row, event) for each write of the step: its write-log row and event index; fn returns false to stop. */
export function forEachWrite(step: Step, fn: (row: number, event: number) => boolean | void): void {
  let index = 0;
  for (const e of step.events) {
    if (e.kind !== 'writes') {
      index++;
      continue;
    }
    for (let i = 0; i < e.count; i++) if (fn(e.from + i, index + i) === false) return;
    index += e.count;
  }
}

export interface WriteStats {
  count: number;
  /** Per write path, in the order the step first uses them: how many writes, how many relocations. */
  byPath: Array<{ path: WritePath; count: number; relocations: number }>;
}

const statsCache = new WeakMap<Step, WriteStats>();

/** How many writes the step makes, by path (memoized: a big module's step has 300k writes, and every view of the step asks). */
export function writeStats(trace: Trace, step: Step): WriteStats {
  let s = statsCache.get(step);
  if (s) return s;
  const log = trace.writes;
  const count = new Uint32Array(WRITE_PATHS.length);
  const relocations = new Uint32Array(WRITE_PATHS.length);
  const order: number[] = [];
  let total = 0;
  for (const e of step.events) {
    if (e.kind !== 'writes') continue;
    total += e.count;
    for (let i = e.from; i < e.from + e.count; i++) {
      const p = log.path[i]!;
      if (count[p]!++ === 0) order.push(p);
      if (log.relsec[i]! >= 0) relocations[p]!++;
    }
  }
  s = {
    count: total,
    byPath: order.map((p) => ({ path: WRITE_PATHS[p]!, count: count[p]!, relocations: relocations[p]! })),
  };
  statsCache.set(step, s);
  return s;
}
