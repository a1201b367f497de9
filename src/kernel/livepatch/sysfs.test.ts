// The emulated /sys/kernel/livepatch against the real kernel's, snap for snap, in the load
// orders recorded under truth/v6.1/samples-*.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { decodeModule } from '../../module_file.ts';
import { parseKallsyms } from '../kallsyms.ts';
import { Kernel } from '../kernel.ts';
import { delete_module, load_module } from '../module/main.ts';
import { klp_disable_patch, livepatchSysfs } from './core.ts';

const root = new URL('../../../', import.meta.url);
const vmlinux = parseKallsyms(readFileSync(new URL('public/samples/vmlinux.kallsyms', root), 'utf8'));

interface Step {
  verb: string;
  cmd: string;
  snap?: { label: string; livepatch_sysfs: Record<string, string | null> };
}

describe.each(['samples-one-of-two', 'samples-patch-first', 'samples-target-first', 'samples-reload'])('%s', (run) => {
  test('every snap: the same livepatch sysfs tree and values', async () => {
    const real = JSON.parse(readFileSync(new URL(`truth/v6.1/${run}/result.json`, root), 'utf8'));
    const k = new Kernel({ kernel: '6.1', vmlinux });
    let snaps = 0;
    for (const s of real.steps as Step[]) {
      const m = /^(insmod|rmmod) (\S+)/.exec(s.cmd);
      if (m?.[1] === 'insmod') {
        const name = m[2]!;
        const d = await decodeModule(new Uint8Array(readFileSync(new URL(`public/samples/klp/${name}`, root))), name);
        if (d.ok) load_module(k, d.bytes, d.module.elf);
      } else if (m?.[1] === 'rmmod') delete_module(k, m[2]!);
      else if (s.verb === 'livepatch-disable') klp_disable_patch(k, s.cmd.split(' ')[1]!);
      if (s.verb === 'snap') {
        snaps++;
        expect({ snap: s.snap!.label, sysfs: livepatchSysfs(k) }).toEqual({
          snap: s.snap!.label,
          sysfs: s.snap!.livepatch_sysfs,
        });
      }
    }
    expect(snaps).toBeGreaterThan(0);
  });
});
