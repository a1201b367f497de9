// The emulated livepatch core against the real 6.1 kernel on the same files
// (truth/v6.1/samples-reload): the same operations, the same return codes, the same kernel
// log — including the refused reload of a patched module, 6.1's "Skipping invalid relocation
// target" — except what the modules' own init code prints, which is not emulated.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { decodeModule } from '../../module_file.ts';
import { parseKallsyms } from '../kallsyms.ts';
import { Kernel } from '../kernel.ts';
import { delete_module, load_module } from '../module/main.ts';
import { klp_disable_patch } from './core.ts';

const root = new URL('../../../', import.meta.url);
const vmlinux = parseKallsyms(readFileSync(new URL('public/samples/vmlinux.kallsyms', root), 'utf8'));
const real = JSON.parse(readFileSync(new URL('truth/v6.1/samples-reload/result.json', root), 'utf8'));

async function file(name: string) {
  const d = await decodeModule(
    new Uint8Array(readFileSync(new URL(`public/samples/klp/${name}.ko`, root))),
    `${name}.ko`,
  );
  if (!d.ok) throw new Error(d.error.message);
  return d;
}

const errnoOf = (e: { errno: number } | null | undefined) => (e ? e.errno : 0);
// %p prints a hashed pointer; the module's own init messages come from code the emulator does not run
const comparable = (line: string) => line.replace(/loc [0-9a-f]{16}/, 'loc <ptr>');
const fromModuleCode = (line: string) => /^klp_demo_target2?: loaded/.test(line);

test('patch, remove and reload the targets: what the real 6.1 kernel did, step for step', async () => {
  const k = new Kernel({ kernel: '6.1', vmlinux });
  const steps: Array<{ cmd: string; rc: number; log: string[] }> = [];
  const run = (cmd: string, op: () => { errno: number } | null | undefined) => {
    const from = k.trace.trace.steps.length;
    const rc = errnoOf(op());
    const log = k.trace.trace.steps
      .slice(from)
      .flatMap((s) => s.events.flatMap((e) => (e.kind === 'printk' ? [comparable(e.text)] : [])));
    steps.push({ cmd, rc, log });
  };
  const T = await file('klp_demo_target');
  const T2 = await file('klp_demo_target2');
  const P = await file('klp_demo_patch');
  const insmod = (d: typeof T) => () => load_module(k, d.bytes, d.module.elf).error;

  run('insmod klp_demo_target.ko', insmod(T));
  run('insmod klp_demo_target2.ko level=5', insmod(T2));
  run('insmod klp_demo_patch.ko', insmod(P));
  run('rmmod klp_demo_target', () => delete_module(k, 'klp_demo_target'));
  run('insmod klp_demo_target.ko', insmod(T));
  run('rmmod klp_demo_target2', () => delete_module(k, 'klp_demo_target2'));
  run('insmod klp_demo_target2.ko level=6', insmod(T2));
  run('insmod klp_demo_target.ko', insmod(T));
  run('livepatch-disable klp_demo_patch', () => klp_disable_patch(k, 'klp_demo_patch'));
  run('rmmod klp_demo_patch', () => delete_module(k, 'klp_demo_patch'));
  run('insmod klp_demo_target.ko', insmod(T));
  run('insmod klp_demo_target2.ko level=7', insmod(T2));

  const realSteps = real.steps.filter((s: { verb: string }) =>
    ['insmod', 'rmmod', 'livepatch-disable'].includes(s.verb),
  );
  expect(steps.map((s) => s.cmd)).toEqual(realSteps.map((s: { cmd: string }) => s.cmd));
  expect(steps.map((s) => ({ cmd: s.cmd, rc: s.rc, log: s.log }))).toEqual(
    realSteps.map((s: { cmd: string; rc: number; dmesg: string[] }) => ({
      cmd: s.cmd,
      rc: s.rc,
      log: s.dmesg.map((l) => comparable(l.replace(/^\[\s*\d+\.\d+\] /, ''))).filter((l) => !fromModuleCode(l)),
    })),
  );
});
