// The sample livepatch in the emulated 6.1 kernel against the real one, load order by load
// order (truth/v6.1/samples-*): where every module and ftrace trampoline landed, and every
// byte of the patch module's text and read-only data — its .klp.rela sites included, applied
// at patch load or when the target arrived later.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { decodeModule } from '../../module_file.ts';
import { parseKallsyms } from '../kallsyms.ts';
import { Kernel } from '../kernel.ts';
import { load_module } from '../module/main.ts';

const root = new URL('../../../', import.meta.url);
const vmlinux = parseKallsyms(readFileSync(new URL('public/samples/vmlinux.kallsyms', root), 'utf8'));

async function insmod(k: Kernel, name: string) {
  const d = await decodeModule(
    new Uint8Array(readFileSync(new URL(`public/samples/klp/${name}.ko`, root))),
    `${name}.ko`,
  );
  if (!d.ok) throw new Error(d.error.message);
  const r = load_module(k, d.bytes, d.module.elf);
  if (!r.ok) throw new Error(r.error?.message);
}

interface Snap {
  label: string;
  dir: string;
  modules: Record<string, { core_base: string }>;
  ftrace_trampolines: Array<[string, string, string]>;
}

const runs = {
  'samples-patch-first': ['klp_demo_patch', 'klp_demo_target', 'klp_demo_target2'],
  'samples-target-first': ['klp_demo_target', 'klp_demo_target2', 'klp_demo_patch'],
};

describe.each(Object.entries(runs))('%s', (run, order) => {
  const real = JSON.parse(readFileSync(new URL(`truth/v6.1/${run}/result.json`, root), 'utf8'));
  const snaps: Snap[] = real.steps
    .filter((s: { verb: string }) => s.verb === 'snap')
    .map((s: { snap: Snap }) => s.snap);

  test('every snap: same module bases, same trampolines, same patch-module text and rodata', async () => {
    const k = new Kernel({ kernel: '6.1', vmlinux });
    let checked = 0;
    for (const name of order) {
      await insmod(k, name);
      const loaded = new Set(k.modules.map((m) => m.name));
      const snap = snaps.find(
        (s) => Object.keys(s.modules).length === loaded.size && Object.keys(s.modules).every((n) => loaded.has(n)),
      );
      if (!snap) continue;
      checked++;
      expect(Object.fromEntries(k.modules.map((m) => [m.name, `0x${m.core_layout.base.toString(16)}`]))).toEqual(
        Object.fromEntries(Object.entries(snap.modules).map(([n, m]) => [n, m.core_base])),
      );
      const tramps = k.moduleArea
        .regions()
        .filter((r) => r.module === 'ftrace')
        .map((r) => `0x${r.base.toString(16)}`);
      expect(tramps.sort()).toEqual(snap.ftrace_trampolines.map((t) => t[0]).sort());
      if (!loaded.has('klp_demo_patch')) continue;
      const patch = k.findModule('klp_demo_patch')!;
      const image = new Uint8Array(readFileSync(new URL(`truth/v6.1/${run}/${snap.dir}/mem/klp_demo_patch.bin`, root)));
      const ours = k.mem.read(patch.core_layout.base, patch.core_layout.size);
      const end = patch.core_layout.ro_after_init_size; // text, rodata, ro_after_init
      expect(Buffer.compare(ours.subarray(0, end), image.subarray(0, end))).toBe(0);
    }
    expect(checked).toBe(snaps.length);
  });
});
