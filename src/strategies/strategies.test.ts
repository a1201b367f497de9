// A merged design that runs on a later kernel than the one it merged in says why, next to the kernel.
import { expect, test } from 'vitest';
import { strategies } from './strategies.ts';

test('every merged design run on another kernel than its own says why', () => {
  const merged = strategies.filter((s) => /^merged \d/.test(s.reality));
  const elsewhere = merged.filter((s) => s.reality !== `merged ${s.kernel}`);
  expect(elsewhere.map((s) => [s.id, s.reality, s.kernel, s.kernelWhy])).toEqual([
    ['text-poke', 'merged 5.8', '6.1', 'the 5.8 design, run on the 6.1 code base'],
    ['text-poke-clear', 'merged 6.3', '6.12', 'the 6.3 design, run on the 6.12 code base'],
    ['module-memory', 'merged 6.4', '6.12', 'the 6.4 design, run on the 6.12 code base'],
  ]);
  for (const s of elsewhere)
    expect(s.kernelWhy).toBe(`the ${s.reality.slice(7)} design, run on the ${s.kernel} code base`);
});
