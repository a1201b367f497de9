// Untrusted text becomes one of the core's ids, or nothing.
import { expect, test } from 'vitest';
import { profiles } from '../kernel/profile.ts';
import { KERNEL_IDS } from './kernels.ts';
import { parseKernelId, parseRole, parseScenarioId, parseStrategyId } from './parse.ts';

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
