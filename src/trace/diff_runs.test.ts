// The list of differences on 5.4 vs 5.8 late-load: both W^X windows of 5.4 (the vmlinux
// relocations at patch load, the target's relocations at late load) are entries of their own.
import { describe, expect, it } from 'vitest';
import { auditTrace } from '../audit/auditor.ts';
import { runScenario } from '../engine/scenario.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { type Alignment, alignTraces } from './align.ts';
import { alignInput } from './compare.ts';
import { diffRuns } from './diff_runs.ts';

const vmlinux = builtinVmlinux();
const mods = await demoModules();
const traces = (['v5.4-flip', 'text-poke'] as const).map((s) => {
  const r = runScenario(s, 'late-load', mods, vmlinux);
  if (r.kind !== 'trace') throw new Error(`${s} refused late-load`);
  return { trace: r.trace, input: alignInput(r.trace, r.outcomes, auditTrace(r.trace).byStep) };
});
const al = alignTraces(traces.map((t) => t.input));

describe('diffRuns', () => {
  const runs = diffRuns(al);
  const fn = (i: number) => {
    const run = runs[i]!;
    const path = traces[run.column]!.trace.steps[run.step]!.path;
    return path.slice(-2).join(' › ');
  };
  it('5.4 vs 5.8 on late-load: every run once, in row order, the W^X ones at both loads', () => {
    expect(runs.map((r) => [r.kind, r.fromRow, r.toRow, r.row, r.op])).toEqual([
      ['write', 20, 21, 20, 0],
      ['write', 22, 23, 22, 0],
      ['write', 26, 28, 26, 0],
      ['wx', 34, 38, 34, 0],
      ['wx', 40, 46, 40, 0],
      ['write', 77, 78, 77, 1],
      ['write', 81, 83, 81, 1],
      ['wx', 87, 89, 87, 1],
      ['wx', 91, 107, 91, 1],
    ]);
    expect(fn(3)).toBe('klp_init_object_loaded › module_disable_ro');
    expect(fn(8)).toBe('klp_init_object_loaded › module_disable_ro');
    expect(runs[3]).toMatchObject({ column: 0, step: 31 });
    // a row where only text-poke has a step is described by text-poke
    expect(runs[0]).toMatchObject({ column: 1, step: 19 });
  });
  it('a run takes its worst kind, lands on its first row of that kind, and ends at a new operation', () => {
    const row = (diff: Alignment['rows'][number]['diff'], op: number) => ({ cols: [op, null], op, diff, sig: [] });
    const fake: Alignment = {
      rows: [row('write', 0), row('perm', 0), row('wx', 0), row('wx', 1), row('only', 1), row(null, 1), row('fail', 1)],
      ops: [],
      rowOfStep: [],
    };
    expect(diffRuns(fake).map((r) => [r.kind, r.fromRow, r.toRow, r.row])).toEqual([
      ['wx', 0, 3, 2],
      ['wx', 3, 4, 3],
      ['fail', 6, 7, 6],
    ]);
  });
});
