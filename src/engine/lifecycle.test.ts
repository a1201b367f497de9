// A module's life and a patch's transition as the kernel names and runs them (issue 14, "missing"):
// enum module_state (a freed module has none), mod->klp_alive, do_free_init() from the system
// workqueue after do_init_module() returned, and the livepatch transition task by task — enough
// to see why rmmod of an enabled patch is EAGAIN and when a disabled one may go.
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel/kernel.ts';
import { klp_disable_patch } from '../kernel/livepatch/core.ts';
import { delete_module, load_module } from '../kernel/module/main.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { stepAscii } from '../trace/ascii.ts';
import type { KernelEvent, Trace } from '../trace/types.ts';
import { runScenario } from './scenario.ts';

const vmlinux = builtinVmlinux();
const mods = await demoModules();
const trace = (strategy: Parameters<typeof runScenario>[0], scenario: Parameters<typeof runScenario>[1]): Trace => {
  const r = runScenario(strategy, scenario, mods, vmlinux);
  if (r.kind !== 'trace') throw new Error(r.reason);
  return r.trace;
};
type State = Extract<KernelEvent, { kind: 'state' }>;
const states = (t: Trace, module: string) =>
  t.steps.flatMap((s) => s.events.filter((e): e is State => e.kind === 'state' && e.module === module));

describe('module states', () => {
  const t = trace('text-poke', 'unload');
  it('are enum module_state’s; a module not on the list (new, or freed) has none', () => {
    expect(states(t, 'klp_demo_target').map((e) => [e.from, e.to])).toEqual([
      [null, 'UNFORMED'],
      ['UNFORMED', 'COMING'],
      ['COMING', 'LIVE'],
      ['LIVE', 'GOING'],
      ['GOING', 'UNFORMED'], // free_module(): kept on the list, UNFORMED, then unlinked
      ['UNFORMED', null],
    ]);
  });
  it('are printed with the kernel’s names', () => {
    const i = t.steps.findIndex((s) => s.events.some((e) => e.kind === 'state' && e.to === 'COMING'));
    expect(stepAscii(t, i).join('\n')).toMatch(/MODULE_STATE_UNFORMED -> MODULE_STATE_COMING/);
  });
});

describe('mod->klp_alive', () => {
  const t = trace('text-poke', 'unload');
  it('is set by klp_module_coming() and cleared by klp_module_going()', () => {
    const coming = t.steps.filter((s) => s.path.at(-1) === 'klp_module_coming' && s.module === 'klp_demo_target');
    expect(coming.some((s) => /klp_alive = true/.test(s.title))).toBe(true);
    const going = t.steps.filter((s) => s.path.includes('klp_module_going') && s.module === 'klp_demo_target');
    expect(going.some((s) => /klp_alive = false/.test(s.title))).toBe(true);
  });
});

describe('do_free_init()', () => {
  const t = trace('text-poke', 'late-load');
  it('frees init memory from the workqueue, after do_init_module() returned', () => {
    const freeing = t.steps.find((s) =>
      s.events.some((e) => e.kind === 'free' && e.region.module === 'klp_demo_patch'),
    )!;
    expect(freeing.path.slice(0, 2)).toEqual(['process_one_work', 'do_free_init']);
    const init = t.steps.filter((s) => s.path.includes('do_init_module') && s.module === 'klp_demo_patch');
    expect(init.at(-1)!.index).toBeLessThan(freeing.index);
    expect(init.some((s) => /schedule_work/.test(s.title))).toBe(true);
  });
});

describe('the livepatch transition', () => {
  const t = trace('text-poke', 'disable-remove');
  const fns = t.steps.map((s) => s.path.at(-1));
  it('is visible task by task: initial state, TIF_PATCH_PENDING, the stack check, completion', () => {
    for (const fn of ['klp_init_transition', 'klp_start_transition', 'klp_try_complete_transition'])
      expect(fns, fn).toContain(fn);
    const start = t.steps.find((s) => s.path.at(-1) === 'klp_start_transition')!;
    expect(start.title).toMatch(/TIF_PATCH_PENDING/);
    const tryc = t.steps.find((s) => s.path.at(-1) === 'klp_try_complete_transition')!;
    expect(tryc.title).toMatch(/stack/);
    expect(tryc.title).toMatch(/switched/);
  });
  it('a disabled patch is freed from a work item, which drops the module reference', () => {
    const free = t.steps.find((s) => s.path.includes('klp_free_patch_work_fn'))!;
    expect(free.path[0]).toBe('process_one_work');
    expect(free.title).toMatch(/module_put/);
  });
  it('rmmod of an enabled patch fails with EAGAIN and says why; once disabled and freed it goes', () => {
    const k = new Kernel({ vmlinux });
    expect(load_module(k, mods.T!.bytes, mods.T!.elf).ok).toBe(true);
    expect(load_module(k, mods.P!.bytes, mods.P!.elf).ok).toBe(true);
    const err = delete_module(k, 'klp_demo_patch');
    expect(err?.errnoName).toBe('EAGAIN');
    const why = k.trace.trace.steps.at(-1)!;
    expect(why.path.at(-1)).toBe('try_stop_module');
    expect(why.title).toMatch(/klp_enable_patch\(\)/);
    expect(klp_disable_patch(k, 'klp_demo_patch')).toBeNull();
    expect(delete_module(k, 'klp_demo_patch')).toBeNull();
  });
});
