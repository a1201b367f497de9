// Derived data of a trace, computed once per Trace object (memoised by reference) and never
// stored in the zustand state: the page map with per-step permission snapshots, the phase runs
// and the module-state bands.

import { type Audit, auditTrace } from '../../../src/audit/auditor.ts';
import { buildPageMap, type PageMap } from '../../../src/trace/page_map.ts';
import { type PhaseRun, phaseRuns, type StateBand, stateBands } from '../../../src/trace/phases.ts';
import type { Trace } from '../../../src/trace/types.ts';

export interface TraceModel {
  trace: Trace;
  map: PageMap;
  runs: PhaseRun[];
  /** Modules with a state, in order of appearance, and their bands. */
  modules: string[];
  bands: StateBand[];
  /** The core's auditor: W^X verdicts per step and the trace's metrics. */
  audit: Audit;
  /** Time to build this model, ms (reported in the status line). */
  buildMs: number;
}

const cache = new WeakMap<Trace, TraceModel>();
const audits = new WeakMap<Trace, Audit>();

/** The audit the worker computed with the trace (else traceModel computes it here). */
export function provideAudit(trace: Trace, audit: Audit): void {
  audits.set(trace, audit);
}

export function traceModel(trace: Trace): TraceModel {
  let m = cache.get(trace);
  if (!m) {
    const t0 = performance.now();
    const map = buildPageMap(trace);
    const runs = phaseRuns(trace);
    const { modules, bands } = stateBands(trace);
    const audit = audits.get(trace) ?? auditTrace(trace);
    m = { trace, map, runs, modules, bands, audit, buildMs: performance.now() - t0 };
    cache.set(trace, m);
  }
  return m;
}

/** First step of the phase run before / after the one holding `step`. */
export function phaseNeighbour(model: TraceModel, step: number, dir: -1 | 1): number {
  const at = model.runs.findIndex((r) => step >= r.from && step < r.to);
  if (at < 0) return step;
  if (dir < 0) {
    // Inside a run: go to its start first; at its start: the previous run's start.
    const run = model.runs[at]!;
    if (step > run.from) return run.from;
    return model.runs[at - 1]?.from ?? step;
  }
  return model.runs[at + 1]?.from ?? step;
}
