// Narration a maintainer would sign (issue 14 items 6, 7, 9): where klp_module_coming() writes,
// vmlinux text mapped at boot (not vmalloc'd), %p as the hashed pointer it prints, ftrace and
// livepatch called directly around the notifier chain, the split POC as posted, the plain-store
// label, the klp-text module_finalize() hook and the reconstruction's own choices in outcomes.
import { describe, expect, it } from 'vitest';
import { ptr_to_id } from '../kernel/lib/vsprintf.ts';
import { packagingProvenance, strategyById } from '../strategies/strategies.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { metricsRow } from '../trace/compare.ts';
import { buildPageMap } from '../trace/page_map.ts';
import { PermCode } from '../trace/perm_code.ts';
import { allocText, summarizeStep, WRITE_PATH_TEXT } from '../trace/step_summary.ts';
import type { Trace } from '../trace/types.ts';
import { WHY } from '../trace/why.ts';
import { runScenario } from './scenario.ts';

const vmlinux = builtinVmlinux();
const mods = await demoModules();
const run = (strategy: Parameters<typeof runScenario>[0], scenario: Parameters<typeof runScenario>[1]) => {
  const r = runScenario(strategy, scenario, mods, vmlinux);
  if (r.kind !== 'trace') throw new Error(r.reason);
  return r;
};

describe('item 6: klp_module_coming writes into the patch module', () => {
  it('says so, and not that the target’s text decides W^X', () => {
    expect(WHY.klp_module_coming).toMatch(/patch module/);
    expect(WHY.klp_module_coming).not.toMatch(/target’s text is already RO\+X/);
  });
});

describe('item 7: vmlinux text is mapped at boot, not vmalloc’d', () => {
  const t: Trace = run('v5.4-flip', 'late-load').trace;
  const map = buildPageMap(t);
  const vm = map.regions.find((r) => r.region.module === 'vmlinux')!;
  it('exists, RX, from the first step on the map', () => {
    expect(vm.allocStep).toBe(0);
    expect([...map.perms[0]![vm.id]!]).toEqual([PermCode.RX]);
  });
  it('is narrated as mapped at boot, RX', () => {
    const step = t.steps.find((s) => s.events.some((e) => e.kind === 'alloc' && e.region.module === 'vmlinux'))!;
    const text = summarizeStep(t, step, map).allocs.map(allocText).join('\n');
    expect(text).toMatch(/mapped at boot/);
    expect(text).toMatch(/R\+X|RX|r-x/);
    expect(text).not.toMatch(/vmalloc|RW \+ NX/);
  });
  it('a module allocation is still vmalloc, RW + NX', () => {
    const step = t.steps.find((s) => s.events.some((e) => e.kind === 'alloc' && e.region.module !== 'vmlinux'))!;
    expect(summarizeStep(t, step, map).allocs.map(allocText)[0]).toMatch(/^vmalloc: .* RW \+ NX$/);
  });
});

describe('item 9: small but visible', () => {
  it('the relocation refusal prints loc as %p does: a hashed 32-bit id, not the address', () => {
    const r = run('text-poke', 'reload');
    const msg = r.outcomes.at(-1)!.message!;
    const loc = /loc ([0-9a-f]{16}),/.exec(msg)![1]!;
    expect(loc).toMatch(/^00000000[0-9a-f]{8}$/);
    expect(loc).not.toMatch(/^ffffffffc/);
    expect(ptr_to_id(0xffffffffc0201026n)).toMatch(/^00000000[0-9a-f]{8}$/);
  });
  it('ftrace and livepatch are direct calls around the module notifier chain', () => {
    expect(WHY.prepare_coming_module).toMatch(/directly/);
    expect(WHY.prepare_coming_module).not.toMatch(/COMING notifiers run: ftrace, livepatch/);
    expect(WHY.blocking_notifier_call_chain).not.toMatch(/\(livepatch, ftrace/);
  });
  it('split is a posted, unmerged POC; the .klp.text designs never existed as code', () => {
    expect(packagingProvenance(strategyById('split')!)).toMatch(/posted, unmerged POC/);
    expect(packagingProvenance(strategyById('split')!)).not.toMatch(/never existed as code/);
    expect(packagingProvenance(strategyById('klp-text')!)).toMatch(/never existed as code/);
  });
  it('a plain store is not labelled 5.4 (6.1 stores st_value with it too)', () => {
    expect(WRITE_PATH_TEXT.store).not.toMatch(/5\.4/);
  });
  it('split: the sub-module goes from a workqueue; its load failure is pr_info', () => {
    const t = run('split', 'unload').trace;
    const going = t.steps.find((s) => s.path.includes('klp_split_going'))!;
    expect(going.path).toContain('process_one_work');
  });
  it('klp-text has the module_finalize() hook for .klp.arch.<obj>', () => {
    const t = run('klp-text', 'late-load').trace;
    const hooks = t.steps.filter((s) => s.path.includes('module_finalize') && /\.klp\.arch\./.test(s.title));
    expect(hooks.map((s) => s.module)).toEqual(['klp_demo_patch', 'klp_demo_patch']);
  });
  it('the compare outcome marks what follows from a reconstruction’s own choice', () => {
    const r = run('klp-text', 'reload');
    const row = metricsRow({ ...emptyMetrics }, r.outcomes);
    expect(row.outcome.ok).toBe(false);
    expect(row.outcome.text).toMatch(/reconstruction/);
    const real = run('v5.4-flip', 'reload');
    expect(metricsRow({ ...emptyMetrics }, real.outcomes).outcome.text).not.toMatch(/reconstruction/);
  });
});

const emptyMetrics = {
  steps: 0,
  rwxWindows: [],
  pagesWritableAfterExec: 0,
  setMemory: {},
  tlbFlushes: { flush_tlb_one_kernel: 0, flush_tlb_all: 0 },
  textPokes: 0,
  textPokeSyncs: 0,
  faults: 0,
};
