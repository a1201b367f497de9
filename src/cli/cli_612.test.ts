// The command line on the 6.12 profile, against the real 6.12.118 (truth/v6.12): `load` places
// and writes every MOD_* allocation as the real kernel did, `layout` keeps the 6.4+ shape, and
// `scenario` / `compare` run 6.12 strategies on the samples built for 6.12 and its kallsyms.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, test } from 'vitest';
import { type RealMem, realImage, realRun } from '../test_support/truth612.ts';

const root = new URL('../../', import.meta.url).pathname;
const klpLab = (...args: string[]) =>
  spawnSync('node', ['bin/klp-lab.js', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });

const debian13 = realRun('debian-13');
const configfs = debian13.steps.filter((s) => s.verb === 'snap').at(-1)!.snap!.modules.configfs!;
const mem = (t: string) => configfs.mem[t] as RealMem;
const KO = 'truth/v6.12/debian-13/ko/configfs.ko';

test('load --kernel 6.12 --base ADDR: the allocations where the real allocator put a lone module, their images the real ones', () => {
  const dir = mkdtempSync(`${tmpdir()}/klp-lab-`);
  const r = klpLab('load', KO, '--kernel', '6.12', '--base', mem('MOD_TEXT').base, '--image', `${dir}/c`, '--json');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout);
  expect({ base: out.base, coresize: out.coresize, allocations: out.allocations }).toEqual({
    base: mem('MOD_TEXT').base,
    coresize: configfs.coresize,
    allocations: ['MOD_TEXT', 'MOD_DATA', 'MOD_RODATA', 'MOD_RO_AFTER_INIT', 'MOD_INIT_TEXT', 'MOD_INIT_DATA'].map(
      (t) => ({ type: t, base: mem(t).base, size: mem(t).size, ...(mem(t).freed ? { freed: true } : {}) }),
    ),
  });
  for (const t of ['MOD_TEXT', 'MOD_RODATA', 'MOD_RO_AFTER_INIT'])
    expect(Buffer.compare(readFileSync(`${dir}/c.${t}`), realImage('debian-13', mem(t).image!.file)), t).toBe(0);
});

test('load --base TYPE=ADDR,…: those allocations there, the others where the allocator puts them', () => {
  const r = klpLab(
    'load',
    KO,
    '--kernel',
    '6.12',
    '--base',
    `MOD_DATA=${mem('MOD_DATA').base},MOD_TEXT=${mem('MOD_TEXT').base}`,
    '--json',
  );
  expect(r.status).toBe(0);
  const allocations: Array<{ type: string; base: string }> = JSON.parse(r.stdout).allocations;
  expect(allocations.slice(0, 2).map((a) => a.base)).toEqual([mem('MOD_TEXT').base, mem('MOD_DATA').base]);
  // the lowest free address: the first page after the BPF program pack and its guard page
  expect(allocations[2]).toEqual({ type: 'MOD_RODATA', base: '0xffffffffc0201000', size: mem('MOD_RODATA').size });
});

test('layout --kernel 6.12 --json: the 6.4+ shape, initsize 0 as sysfs reads it after init', () => {
  const r = klpLab('layout', KO, '--kernel', '6.12', '--json');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(Object.keys(out)).toEqual(['name', 'coresize', 'initsize', 'sections', 'perms', 'allocations']);
  expect({ coresize: out.coresize, initsize: out.initsize }).toEqual({ coresize: 69632, initsize: 0 });
  expect(out.sections['.exit.text']).toEqual({ region: 'core', offset: 22288, type: 'MOD_TEXT' });
  expect(out.allocations.map((a: { type: string; size: number }) => [a.type, a.size])).toEqual([
    ['MOD_TEXT', 24576],
    ['MOD_DATA', 20480],
    ['MOD_RODATA', 20480],
    ['MOD_RO_AFTER_INIT', 4096],
  ]);
});

test('scenario: a 6.12 strategy plays the samples built for 6.12; --kernel moves another strategy there', () => {
  // reload works on 6.12 (the sites are cleared on unload); text-poke's own 6.1 refuses it
  const own = klpLab('scenario', '--strategy', 'text-poke-clear', '--scenario', 'reload');
  expect(own.status).toBe(0);
  expect(own.stdout.split('\n').slice(0, 6)).toEqual([
    'text-poke-clear × reload: 6.3: relocations cleared on target unload',
    '  ok     insmod klp_demo_patch',
    '  ok     insmod klp_demo_target',
    '  ok     rmmod klp_demo_target',
    '  ok     insmod klp_demo_target',
    'kernel v6.12.118 (Debian 6.12.118-1~deb12u1): 151 steps',
  ]);
  expect(klpLab('scenario', '--strategy', 'text-poke', '--scenario', 'reload').stdout).toContain(
    'FAILED insmod klp_demo_target: module: x86/modules: Skipping invalid relocation target',
  );
  const moved = klpLab('scenario', '--strategy', 'text-poke', '--scenario', 'reload', '--kernel', '6.12');
  expect(moved.stdout.split('\n').slice(1, 6).join('\n')).toBe(own.stdout.split('\n').slice(1, 6).join('\n'));
});

test('compare --kernel 6.12: every shipped design on 6.12; the layout reconstructions say why they cannot run there', () => {
  const r = klpLab('compare', '--scenario', 'late-load', '--kernel', '6.12', '--json');
  expect(r.status).toBe(0);
  const rows: Array<{ strategy: string; outcome?: string; refused?: string }> = JSON.parse(r.stdout);
  expect(Object.fromEntries(rows.map((x) => [x.strategy, x.outcome ?? x.refused?.split(':')[0]]))).toEqual({
    'v5.4-flip': 'all ok',
    'klp-text':
      'klp-text reconstructs a design on the core/init module layout (≤ 6.3); kernel 6.12 allocates per MOD_* type',
    'klp-text-ro':
      'klp-text-ro reconstructs a design on the core/init module layout (≤ 6.3); kernel 6.12 allocates per MOD_* type',
    split: 'split reconstructs a design on the core/init module layout (≤ 6.3); kernel 6.12 allocates per MOD_* type',
    'text-poke': 'all ok',
    'text-poke-clear': 'all ok',
    'module-memory': 'all ok',
    'forbid-late': 'forbid-late refuses late-load',
    'deny-unload': 'all ok',
  });
});
