// View models of a strategy comparison (pure): the operation keys the aligner anchors on, and
// one metrics row per strategy from the core auditor's metrics (as `klp-lab compare` prints).
import type { Metrics } from '../audit/auditor.ts';
import type { AlignInput } from './align.ts';
import type { Trace } from './types.ts';

/** A scenario operation as the runner reports it (src/engine/scenario.ts OpOutcome, plain data). */
export interface OpRef {
  op: { op: 'insmod' | 'rmmod' | 'disable'; role: string; dependency?: string };
  module: string;
  ok: boolean;
  errno?: string;
  message?: string;
  step: number;
}

/** "insmod:T", "insmod:T:dependency" — the same operation across designs has the same key. */
const opKey = (o: OpRef) => `${o.op.op}:${o.op.role}${o.op.dependency ? ':dependency' : ''}`;
const opLabel = (o: OpRef) =>
  o.op.op === 'disable'
    ? `disable ${o.module}`
    : `${o.op.op} ${o.module}${o.op.dependency ? ` (dependency of ${o.op.dependency})` : ''}`;

export function alignInput(trace: Trace, outcomes: OpRef[], verdicts?: Map<number, readonly string[]>): AlignInput {
  return {
    trace,
    ops: outcomes.map((o) => ({ key: opKey(o), label: opLabel(o), step: o.step })),
    ...(verdicts ? { verdicts } : {}),
  };
}

export interface MetricsRow {
  rwxWindows: number;
  /** Of those, the windows ftrace opened (5.4: its trampolines, and all module text around each code update). */
  rwxFtrace: number;
  rwxSteps: number;
  rwxPages: number;
  /** "from–to" step ranges of the windows. */
  rwxRanges: string[];
  writableAfterExec: number;
  setMemory: number;
  setMemoryByFn: Array<[string, number]>;
  /** cpa_flush() rounds of per-page flush_tlb_one_kernel() */
  tlbPages: number;
  tlbAll: number;
  textPokes: number;
  textPokeSyncs: number;
  faults: number;
  outcome: { ok: boolean; text: string };
}

export function metricsRow(m: Metrics, outcomes: OpRef[]): MetricsRow {
  const failed = outcomes.filter((o) => !o.ok);
  return {
    rwxWindows: m.rwxWindows.length,
    rwxFtrace: m.rwxWindows.filter((w) => w.ftrace).length,
    rwxSteps: m.rwxWindows.reduce((n, w) => n + w.to - w.from + 1, 0),
    rwxPages: m.rwxWindows.reduce((n, w) => Math.max(n, w.maxPages), 0),
    rwxRanges: m.rwxWindows.map((w) => (w.from === w.to ? `${w.from}` : `${w.from}–${w.to}`)),
    writableAfterExec: m.pagesWritableAfterExec,
    setMemory: Object.values(m.setMemory).reduce((a, b) => a + b, 0),
    setMemoryByFn: Object.entries(m.setMemory).sort(([a], [b]) => a.localeCompare(b)),
    tlbPages: m.tlbFlushes.flush_tlb_one_kernel,
    tlbAll: m.tlbFlushes.flush_tlb_all,
    textPokes: m.textPokes,
    textPokeSyncs: m.textPokeSyncs,
    faults: m.faults,
    outcome: failed.length
      ? {
          ok: false,
          text: failed
            .map((o) => `${opLabel(o)} failed: ${o.errno ?? 'error'}${o.message ? ` (${o.message})` : ''}`)
            .join('; '),
        }
      : { ok: true, text: 'all ok' },
  };
}
