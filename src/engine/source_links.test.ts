// Every profile's steps link to the exact line of the function they name, in the version that
// profile claims, from the line tables shipped in src/trace/source_lines/ (built by
// scripts/gen-source-lines.py from each version's tree). Spot checks are lines read in those
// trees by hand.
import { describe, expect, it } from 'vitest';
import { type KernelId, profiles } from '../kernel/profile.ts';
import type { ScenarioId } from '../scenarios/scenarios.ts';
import { type StrategyId, strategies } from '../strategies/strategies.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { elixirTag, SOURCE_TABLES, sourceLink, stepSourceLink } from '../trace/source_link.ts';
import type { Trace } from '../trace/types.ts';
import { runScenario } from './scenario.ts';

const vmlinux = builtinVmlinux();
const mods = await demoModules();
const shipped = strategies.filter((s) => !s.reconstruction);
/** The shipped design merged in that version (6.3, 6.4), else the one that runs on it by default. */
const MERGED_IN: Partial<Record<KernelId, StrategyId>> = { '6.3': 'text-poke-clear', '6.4': 'module-memory' };
const traceOf = (kernel: KernelId, scenario: ScenarioId): Trace => {
  const id = MERGED_IN[kernel] ?? shipped.find((x) => x.kernel === kernel)!.id;
  const r = runScenario(id, scenario, mods, vmlinux, kernel);
  if (r.kind !== 'trace') throw new Error(r.reason);
  return r.trace;
};
/** Steps that name no kernel function: a label of load_module()'s unwinding and the module's own exit. */
const PSEUDO = new Set(['unlink', 'mod->exit']);

describe.each(Object.keys(profiles) as KernelId[])('profile %s', (kernel) => {
  const tag = elixirTag(profiles[kernel].version);
  const table = SOURCE_TABLES[tag];
  it('has a line table for the version it claims', () => {
    expect(table).toBeDefined();
  });
  it.each<ScenarioId>(['reload', 'disable-remove', 'atomic-replace'])(
    '%s: every kernel step links to its line in that table',
    (scenario) => {
      const t = traceOf(kernel, scenario);
      for (const step of t.steps) {
        const link = stepSourceLink(step, t.kernel);
        if (!step.source) {
          expect(link, step.title).toBeUndefined(); // the "scenario" pseudo-step
          continue;
        }
        const fn = step.source.fn;
        if (PSEUDO.has(fn)) {
          expect(link?.exact).toBe(false);
          continue;
        }
        const at = table!.lines[fn];
        expect(at, `${kernel} ${fn}`).toBeDefined();
        expect(step.source.file, fn).toBe(at![0]);
        expect(link).toEqual({
          url: `https://elixir.bootlin.com/linux/${tag}/source/${at![0]}#L${at![1]}`,
          label: `${at![0]}:${at![1]}`,
          exact: true,
        });
      }
    },
  );
});

describe('spot checks against the trees', () => {
  const line = (tag: string, fn: string) => {
    const l = sourceLink(fn, tag);
    return l?.exact ? l.label : l?.url;
  };
  it('5.4: kernel/module.c, not kernel/module/main.c', () => {
    expect(line('v5.4', 'module_disable_ro')).toBe('kernel/module.c:1994');
    expect(line('v5.4', 'set_all_modules_text_rw')).toBe('kernel/module.c:2033');
    expect(line('v5.4', 'do_free_init')).toBe('kernel/module.c:3525');
    expect(line('v5.4', 'ftrace_arch_code_modify_prepare')).toBe('arch/x86/kernel/ftrace.c:37');
    expect(line('v5.4', 'cpa_flush')).toBe('arch/x86/mm/pageattr.c:343');
  });
  it('6.3.8: the relocation clearing that v6.1.192 lacks', () => {
    expect(line('v6.3.8', 'klp_clear_object_relocs')).toBe('kernel/livepatch/core.c:817');
    expect(line('v6.3.8', 'clear_relocate_add')).toBe('arch/x86/kernel/module.c:262');
    expect(line('v6.3.8', 'klp_cleanup_module_patches_limited')).toBe('kernel/livepatch/core.c:1188');
    expect(SOURCE_TABLES['v6.1.192']!.lines.klp_clear_object_relocs).toBeUndefined();
  });
  it('6.4: strict_rwx.c and the module_memory loader', () => {
    expect(line('v6.4', 'module_enable_ro')).toBe('kernel/module/strict_rwx.c:35');
    expect(line('v6.4', 'do_free_init')).toBe('kernel/module/main.c:2470');
  });
  it('module_finalize, module_alloc and module_arch_cleanup are x86’s, not the __weak stubs', () => {
    expect(line('v6.1.192', 'module_finalize')).toBe('arch/x86/kernel/module.c:251');
    expect(line('v6.1.192', 'module_alloc')).toBe('arch/x86/kernel/module.c:68');
    expect(line('v6.1.192', 'module_arch_cleanup')).toBe('arch/x86/kernel/module.c:327');
    expect(line('v5.4', 'module_finalize')).toBe('arch/x86/kernel/module.c:220');
    expect(line('v6.3.8', 'module_finalize')).toBe('arch/x86/kernel/module.c:274');
  });
  it('6.12.118', () => {
    expect(line('v6.12.118', 'do_free_init')).toBe('kernel/module/main.c:2688');
    expect(line('v6.12.118', 'module_finalize')).toBe('arch/x86/kernel/module.c:223');
  });
});
