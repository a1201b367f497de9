// Untrusted text becomes one of the core's ids, or nothing.
import { expect, test } from 'vitest';
import { profiles } from '../kernel/profile.ts';
import { scenarios } from '../scenarios/scenarios.ts';
import { KERNEL_IDS } from './kernels.ts';
import { parseKernelId, parseRole, parseScenarioId, parseStrategyId, unknownId } from './parse.ts';

test('every kernel profile is a choice, in profile order, and parses as itself', () => {
  expect(KERNEL_IDS).toEqual(Object.keys(profiles));
  for (const id of KERNEL_IDS) expect(parseKernelId(id)).toBe(id);
});

test('anything else is undefined: near misses, case, whitespace, null', () => {
  for (const s of ['9.9', '6', ' 6.1', '6.1 ', 'v6.1', '', null, undefined]) expect(parseKernelId(s)).toBeUndefined();
  expect(parseStrategyId('text-poke')).toBe('text-poke');
  for (const s of ['Text-Poke', 'text_poke', 'toString', '__proto__', '']) expect(parseStrategyId(s)).toBeUndefined();
  expect(parseScenarioId('late-load')).toBe('late-load');
  for (const s of ['late', 'constructor', null]) expect(parseScenarioId(s)).toBeUndefined();
  expect(['T', 'T2', 'P', 'R', 't', 'T3', ''].map(parseRole)).toEqual([
    'T',
    'T2',
    'P',
    'R',
    undefined,
    undefined,
    undefined,
  ]);
});

test('a refusal names the text, quoted and capped, and the ids that exist', () => {
  expect(unknownId('strategy', 'v5.3-flip')).toBe(
    "unknown strategy 'v5.3-flip' (known: v5.4-flip, klp-text, klp-text-ro, split, text-poke, text-poke-clear, " +
      'module-memory, forbid-late, deny-unload)',
  );
  expect(unknownId('kernel', '9.9')).toBe("unknown kernel '9.9' (known: 5.4, 6.1, 6.3, 6.4, 6.12)");
  expect(unknownId('role', 'X\u202e\n')).toBe("unknown role 'X' (known: T, T2, P, R)");
  expect(unknownId('scenario', 'x'.repeat(50))).toBe(
    `unknown scenario '${'x'.repeat(40)}…' (known: ${scenarios.map((s) => s.id).join(', ')})`,
  );
});
