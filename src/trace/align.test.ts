// Aligning strategies' traces of one scenario on the sample modules.
import { describe, expect, it } from 'vitest';
import { auditTrace } from '../audit/auditor.ts';
import { runScenario } from '../engine/scenario.ts';
import type { ScenarioId } from '../scenarios/scenarios.ts';
import type { StrategyId } from '../strategies/strategies.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { alignTraces, diffNeighbour, firstImportantDiff, stepAtRow } from './align.ts';
import { alignInput, metricsRow } from './compare.ts';

const vmlinux = builtinVmlinux();
const mods = await demoModules();
function column(strategy: StrategyId, scenario: ScenarioId) {
  const r = runScenario(strategy, scenario, mods, vmlinux);
  if (r.kind !== 'trace') return null;
  const audit = auditTrace(r.trace);
  return { run: r, audit, input: alignInput(r.trace, r.outcomes, audit.byStep) };
}

describe('alignTraces', () => {
  it('v5.4-flip vs text-poke on late-load: operations line up, every step once, the flip is a W^X difference', () => {
    const a = column('v5.4-flip', 'late-load')!;
    const b = column('text-poke', 'late-load')!;
    const al = alignTraces([a.input, b.input]);
    expect(al.ops.map((o) => o.label)).toEqual(['insmod klp_demo_patch', 'insmod klp_demo_target']);
    // each operation's first step shares a row
    a.run.outcomes.forEach((o, i) => expect(al.rowOfStep[0]![o.step]).toBe(al.rowOfStep[1]![b.run.outcomes[i]!.step]));
    // every step of each trace appears exactly once, in order
    for (const c of [0, 1]) {
      const steps = al.rows.flatMap((r) => (r.cols[c] === null ? [] : [r.cols[c]!]));
      expect(steps).toEqual([...steps.keys()]);
    }
    // module_disable_ro() during klp_module_coming: only in 5.4, and W^X-relevant
    const flipStep = a.run.trace.steps.findIndex(
      (s) => s.path.includes('klp_module_coming') && s.path.at(-1) === 'module_disable_ro',
    );
    const row = al.rows[al.rowOfStep[0]![flipStep]!]!;
    expect(row.cols[1]).toBeNull();
    expect(row.diff).toBe('wx');
    expect(row.sig[0]).toContain('set_memory_rw RX→RWX!');
    expect(firstImportantDiff(al)).toBeLessThanOrEqual(al.rowOfStep[0]![flipStep]!);
    expect(al.rows[firstImportantDiff(al)]!.diff).toBe('wx');
    // same-path steps align: complete_formation of the target in both
    const cf = (t: typeof a) =>
      t.run.trace.steps.findIndex((s, i) => i > t.run.outcomes[1]!.step && s.path.at(-1) === 'module_enable_x');
    expect(al.rowOfStep[0]![cf(a)]).toBe(al.rowOfStep[1]![cf(b)]);
    expect(stepAtRow(al, 1, al.rowOfStep[0]![flipStep]!).held).toBe(true);
    expect(diffNeighbour(al, 0, 1)).toBeGreaterThan(0);
  });

  it('three columns with a refused one, and a repackaging design', () => {
    const cols = [column('klp-text', 'reload'), column('forbid-late', 'reload'), column('split', 'reload')];
    expect(cols[1]).toBeNull();
    const al = alignTraces(cols.map((c) => c?.input ?? null));
    expect(al.ops.map((o) => o.key)).toEqual(['insmod:P', 'insmod:T', 'rmmod:T', 'insmod:T']);
    expect(al.rows.every((r) => r.cols[1] === null)).toBe(true);
    for (const c of [0, 2])
      expect(al.rows.filter((r) => r.cols[c] !== null).length).toBe(cols[c]!.run.trace.steps.length);
  });

  it('metrics rows: the 5.4 RWX window, none for text-poke', () => {
    const a = column('v5.4-flip', 'late-load')!;
    const b = column('text-poke', 'late-load')!;
    const ma = metricsRow(a.audit.metrics, a.run.outcomes);
    const mb = metricsRow(b.audit.metrics, b.run.outcomes);
    expect(ma.rwxWindows).toBeGreaterThan(0);
    expect(ma.rwxPages).toBeGreaterThan(0);
    expect(mb.rwxWindows).toBe(0);
    expect(mb.textPokes).toBeGreaterThan(0);
    expect(ma.outcome.ok && mb.outcome.ok).toBe(true);
  });
});

describe('reload before and after 6.3', () => {
  it('the failing relocation of text-poke is a "fail" difference against text-poke-clear, and the comparison opens on it', () => {
    const a = column('text-poke', 'reload')!;
    const b = column('text-poke-clear', 'reload')!;
    const al = alignTraces([a.input, b.input]);
    const failing = a.run.trace.steps.findIndex((s) => s.events.some((e) => e.kind === 'printk' && e.level === 'err'));
    expect(failing).toBeGreaterThan(0);
    const row = al.rowOfStep[0]![failing]!;
    expect(al.rows[row]!.diff).toBe('fail');
    expect(firstImportantDiff(al)).toBe(row);
  });
});
