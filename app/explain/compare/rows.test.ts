// The comparison's rows from a real worker reply (the core's runner, as the worker calls it, on the
// built-in modules): one column per design, refusals kept, steps aligned; the row it opens on and
// where [ / ] lead.
import { describe, expect, it } from 'vitest';
import { decodedModule } from '../../../src/engine/modules.ts';
import { run } from '../../../src/engine/run.ts';
import { builtinVmlinux, demoModules } from '../../../src/test_support/demo_modules.ts';
import { stepAtRow } from '../../../src/trace/align.ts';
import { alignColumns, compareColumns, openingRow, opNeighbour } from './rows.ts';

const roles = await demoModules();
const vmlinux = builtinVmlinux();

describe('the rows of a comparison', async () => {
  const reply = await run(
    { kind: 'compare', strategies: ['v5.4-flip', 'text-poke', 'split'], scenario: 'atomic-replace', roles },
    decodedModule,
    { vmlinux },
  );
  const columns = compareColumns(reply);
  const al = alignColumns(columns);

  it('one column per design in the order asked; a refusal is a column without a trace', () => {
    expect(columns.map((c) => [c.strategy.id, c.trace !== null, c.metrics !== null])).toEqual([
      ['v5.4-flip', true, true],
      ['text-poke', true, true],
      ['split', false, false],
    ]);
    expect(columns[2]!.refused).toMatch(/^split refuses atomic-replace/);
    expect(columns[0]!.strategy.name).toBe('5.4: module_disable_ro() flip');
  });

  it('every step of each trace has one row, in order; the refused column has none', () => {
    for (const c of [0, 1]) {
      const steps = al.rows.flatMap((r) => (r.cols[c] === null ? [] : [r.cols[c]!]));
      expect(steps).toEqual([...columns[c]!.trace!.steps.keys()]);
    }
    expect(al.rows.every((r) => r.cols[2] === null)).toBe(true);
    // a design with no step at a row holds its last one
    const held = al.rows.findIndex((r) => r.cols[0] !== null && r.cols[1] === null);
    let before = held - 1;
    while (al.rows[before]!.cols[1] === null) before--;
    expect(stepAtRow(al, 1, held)).toEqual({ step: al.rows[before]!.cols[1], held: true });
  });

  it('opens on the linked row, clamped, else on the first difference that matters', () => {
    expect(openingRow(al, 3)).toBe(3);
    expect(openingRow(al, 10_000)).toBe(al.rows.length - 1);
    const first = openingRow(al);
    expect(al.rows[first]!.diff).toBe('wx');
    expect(al.rows.slice(0, first).some((r) => r.diff === 'wx')).toBe(false);
  });

  it('[ / ] go to the first row of the previous / next operation', () => {
    const starts = al.ops.map((o) => o.fromRow);
    expect(starts[0]).toBe(0);
    expect(al.ops.map((o) => o.label)).toEqual([
      'insmod klp_demo_target',
      'insmod klp_demo_patch',
      'insmod klp_demo_replace',
    ]);
    const inside = starts[1]! + 2;
    expect(opNeighbour(al, inside, 1)).toBe(starts[2]);
    expect(opNeighbour(al, inside, -1)).toBe(starts[1]);
    expect(opNeighbour(al, starts[1]!, -1)).toBe(starts[0]);
    expect(opNeighbour(al, 0, -1)).toBe(0);
    const last = al.rows.length - 1;
    expect(opNeighbour(al, last, 1)).toBe(last);
  });
});
