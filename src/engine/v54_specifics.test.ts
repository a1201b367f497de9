// What v5.4 does that later kernels do differently, each as v5.4's source has it:
// module_finalize() without return thunks (arch/x86/kernel/module.c:220-269), ftrace_make_nop()
// through probe_kernel_write() (arch/x86/kernel/ftrace.c:117-177), no "vmlinux.ko: invalid
// module name" check (it came with 5.7/5.8), and a failed late relocation that returns before
// arch_klp_init_object_loaded() (kernel/livepatch/core.c:716-735).
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel/kernel.ts';
import { klp_module_coming } from '../kernel/livepatch/core.ts';
import type { Module } from '../kernel/module/types.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { stepEvents } from '../trace/events.ts';
import { runScenario } from './scenario.ts';

const vmlinux = builtinVmlinux();
const mods = await demoModules();
const trace = (strategy: 'v5.4-flip' | 'text-poke', scenario: 'late-load' | 'reload') => {
  const r = runScenario(strategy, scenario, mods, vmlinux);
  if (r.kind !== 'trace') throw new Error(r.reason);
  return r.trace;
};

describe('5.4', () => {
  const t = trace('v5.4-flip', 'late-load');
  it('module_finalize() has no .return_sites, .retpoline_sites or .ibt_endbr_seal handling', () => {
    const fns = new Set(t.steps.flatMap((s) => s.path));
    for (const fn of ['apply_returns', 'apply_retpolines', 'apply_ibt_endbr']) expect(fns.has(fn), fn).toBe(false);
    expect(fns.has('alternatives_smp_module_add')).toBe(true);
    expect(new Set(trace('text-poke', 'late-load').steps.flatMap((s) => s.path)).has('apply_returns')).toBe(true);
  });
  it('ftrace_make_nop() writes with probe_kernel_write(), never text_poke_early()', () => {
    const nops = t.steps
      .filter((s) => s.path.includes('ftrace_module_init'))
      .flatMap((s) => stepEvents(t, s))
      .filter((e) => e.kind === 'write' && e.what?.startsWith('ftrace NOP'));
    expect(nops.length).toBeGreaterThan(0);
    expect(new Set(nops.map((e) => e.kind === 'write' && e.path))).toEqual(new Set(['probe_kernel_write']));
  });
  it('has no vmlinux.ko check in klp_module_coming() (6.1 has)', () => {
    const fake = { name: 'vmlinux', state: 'COMING' } as Module;
    for (const [kernel, refused] of [
      ['5.4', false],
      ['6.1', true],
    ] as const) {
      const k = new Kernel({ kernel, vmlinux });
      const err = klp_module_coming(k, fake);
      expect(err?.message === 'livepatch: vmlinux.ko: invalid module name', kernel).toBe(refused);
    }
  });
  it('a failed late relocation returns before arch_klp_init_object_loaded()', () => {
    const r = trace('v5.4-flip', 'reload');
    const coming = r.steps.filter((s) => s.path.includes('klp_module_coming'));
    const lastInsmod = r.steps.filter((x) => x.title.startsWith('insmod')).at(-1)!.index;
    const last = coming.filter((s) => s.index > lastInsmod);
    const fns = last.map((s) => s.path.at(-1));
    expect(fns).toContain('klp_write_object_relocations');
    expect(fns).not.toContain('arch_klp_init_object_loaded');
    expect(fns.at(-1)).toBe('module_enable_ro');
  });
});
