// complete_formation() and do_init_module() per version: v6.4's kernel/module/strict_rwx.c calls
// module_enable_ro(mod, false), module_enable_nx(), module_enable_x() — one set_memory_*() per
// mod_mem_type, text read-only first and executable after, no set_memory_rox() for module text.
import { describe, expect, it } from 'vitest';
import { builtinVmlinux, demoModules } from '../../test_support/demo_modules.ts';
import type { KernelEvent } from '../../trace/types.ts';
import { Kernel } from '../kernel.ts';
import { profiles } from '../profile.ts';
import { load_module } from './main.ts';

type Perm = Extract<KernelEvent, { kind: 'perm' }>;
const mods = await demoModules();

describe('6.4: strict_rwx as v6.4 has it', () => {
  const k = new Kernel({ kernel: '6.4', vmlinux: builtinVmlinux() });
  const r = load_module(k, mods.T!.bytes, mods.T!.elf);
  const regions = new Map(
    k.trace.trace.steps.flatMap((s) =>
      s.events.flatMap((e) => (e.kind === 'alloc' ? [[e.region.base, e.region.name]] : [])),
    ),
  );
  const callsIn = (fn: string) =>
    k.trace.trace.steps
      .filter((s) => s.path.at(-1) === fn)
      .flatMap((s) => s.events.filter((e): e is Perm => e.kind === 'perm'))
      .map((p) => `${p.fn} ${regions.get(p.addr)}`);

  it('follows v6.4', () => {
    expect(r.ok).toBe(true);
    expect(profiles['6.4'].version).toBe('v6.4');
  });
  it('complete_formation(): module_enable_ro(mod, false), module_enable_nx(), module_enable_x()', () => {
    const formation = k.trace.trace.steps
      .filter((s) => s.path.includes('complete_formation'))
      .map((s) => s.path.at(-1));
    expect([...new Set(formation)]).toEqual([
      'module_enable_ro',
      'module_enable_nx',
      'module_enable_x',
      'complete_formation',
    ]);
    const [ro] = [callsIn('module_enable_ro')];
    expect(ro.slice(0, 3)).toEqual([
      'set_memory_ro MOD_TEXT',
      'set_memory_ro MOD_INIT_TEXT',
      'set_memory_ro MOD_RODATA',
    ]);
    expect(callsIn('module_enable_x')).toEqual(['set_memory_x MOD_TEXT', 'set_memory_x MOD_INIT_TEXT']);
  });
  it('no set_memory_rox() on module memory', () => {
    const all = k.trace.trace.steps.flatMap((s) => s.events.filter((e): e is Perm => e.kind === 'perm'));
    expect(all.some((p) => p.fn === 'set_memory_rox')).toBe(false);
  });
  it('do_init_module(): module_enable_ro(mod, true) again, MOD_RO_AFTER_INIT included', () => {
    const init = k.trace.trace.steps.filter((s) => s.path.includes('do_init_module')).map((s) => s.path.at(-1));
    expect(init).toContain('module_enable_ro');
    expect(init).not.toContain('module_enable_rodata_ro');
  });
});
