// The sample modules through the emulated 6.1 loader, against what the real 6.1 kernel did with
// the same files (truth/v6.1/targets-load-unload, truth/v6.1/patch-unconverted-refused).
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { decodeModule } from '../../module_file.ts';
import { parseKallsyms } from '../kallsyms.ts';
import { Kernel } from '../kernel.ts';
import { layoutReport } from './layout_report.ts';
import { load_module } from './main.ts';

const root = new URL('../../../', import.meta.url);
const vmlinux = parseKallsyms(readFileSync(new URL('public/samples/vmlinux.kallsyms', root), 'utf8'));
const oracle = (run: string) => JSON.parse(readFileSync(new URL(`truth/v6.1/${run}/result.json`, root), 'utf8'));

async function insmod(k: Kernel, path: string) {
  const d = await decodeModule(new Uint8Array(readFileSync(new URL(path, root))), path.split('/').at(-1)!);
  if (!d.ok) throw new Error(d.error.message);
  return load_module(k, d.bytes, d.module.elf);
}

const printkSince = (k: Kernel, from: number) =>
  k.trace.trace.steps.slice(from).flatMap((s) => s.events.flatMap((e) => (e.kind === 'printk' ? [e.text] : [])));

test('both targets load where the real kernel put them, with its sections and page permissions', async () => {
  const real = oracle('targets-load-unload');
  const snap = real.steps.find((s: { verb: string }) => s.verb === 'snap').snap.modules;
  const k = new Kernel({ vmlinux });
  for (const name of ['klp_demo_target', 'klp_demo_target2']) {
    const r = await insmod(k, `public/samples/klp/${name}.ko`);
    expect(r.ok).toBe(true);
    const report = layoutReport(k, r.module!);
    const truth = snap[name];
    expect(`0x${r.module!.core_layout.base.toString(16)}`).toBe(truth.core_base);
    expect(report.coresize).toBe(truth.coresize);
    const core = Object.fromEntries(Object.entries(report.sections).filter(([, s]) => s.region === 'core'));
    expect(core).toEqual(
      Object.fromEntries(
        Object.entries<{ region: string; offset: number }>(truth.sections)
          .filter(([, s]) => s.region === 'core')
          .map(([n, s]) => [n, { region: s.region, offset: s.offset }]),
      ),
    );
    const perms = Object.fromEntries(
      ['r-x', 'r--', 'rw-'].map((p) => [p, report.perms.filter((x) => x.perm === p).map((x) => [x.from, x.to])]),
    );
    expect(perms).toEqual(truth.perm_layout);
  }
});

test('the unconverted livepatch is refused as the real kernel refused it: ENOENT and the same log', async () => {
  const real = oracle('patch-unconverted-refused');
  const step = real.steps.find((s: { cmd: string }) => s.cmd === 'insmod klp_demo_patch.ko');
  const k = new Kernel({ vmlinux });
  await insmod(k, 'public/samples/klp/klp_demo_target.ko');
  await insmod(k, 'public/samples/klp/klp_demo_target2.ko');
  const from = k.trace.trace.steps.length;
  const r = await insmod(k, 'public/samples/klp/unconverted/klp_demo_patch.ko');
  expect(r.ok).toBe(false);
  expect(r.error?.errno).toBe(step.rc);
  expect(r.error?.errnoName).toBe('ENOENT');
  expect(printkSince(k, from)).toEqual(step.dmesg.map((l: string) => l.replace(/^\[\s*\d+\.\d+\] /, '')));
  expect(k.findModule('klp_demo_patch')).toBeUndefined();
  expect(k.moduleArea.regions().map((r) => r.module)).toEqual(['klp_demo_target', 'klp_demo_target2']);
});
