// A request over other module references: what mapModules keeps, drops and copies.
import { expect, test } from 'vitest';
import { mapModules, type RunRequest } from './request.ts';

const upper = (m: string) => (m.startsWith('x') ? undefined : m.toUpperCase());

test('a sequence keeps every rmmod and the insmods of modules that map', () => {
  const r: RunRequest<string> = {
    kind: 'sequence',
    kernel: '5.4',
    ops: [
      { op: 'insmod', module: 'a' },
      { op: 'insmod', module: 'xa' },
      { op: 'rmmod', name: 'a' },
    ],
    fakeMissingSymbols: true,
  };
  expect(mapModules(r, upper)).toEqual({
    kind: 'sequence',
    kernel: '5.4',
    ops: [
      { op: 'insmod', module: 'A' },
      { op: 'rmmod', name: 'a' },
    ],
    fakeMissingSymbols: true,
  });
});

test('roles keep their order; a role that does not map is left out, and so is a role map left empty', () => {
  const r: RunRequest<string> = {
    kind: 'scenario',
    strategy: 'split',
    scenario: 'reload',
    roles: { R: 'r', P: 'xp', T: 't' },
  };
  const mapped = mapModules(r, upper);
  expect(mapped).toEqual({ kind: 'scenario', strategy: 'split', scenario: 'reload', roles: { R: 'R', T: 'T' } });
  expect(mapped.kind === 'scenario' && Object.keys(mapped.roles!)).toEqual(['R', 'T']);
  const none = mapModules({ kind: 'compare', strategies: ['split'], scenario: 'reload', roles: { P: 'xp' } }, upper);
  expect(none).toEqual({ kind: 'compare', strategies: ['split'], scenario: 'reload' });
  expect('roles' in none).toBe(false);
});

test('the strategies of a comparison are a copy', () => {
  const strategies: Array<'split' | 'text-poke'> = ['split', 'text-poke'];
  const mapped = mapModules({ kind: 'compare', strategies, scenario: 'unload' }, upper);
  expect(mapped.kind === 'compare' && mapped.strategies).toEqual(strategies);
  expect(mapped.kind === 'compare' && mapped.strategies).not.toBe(strategies);
});
