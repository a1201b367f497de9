// ftrace as each version's x86 source has it, seen through whole scenarios. 5.4
// (arch/x86/kernel/ftrace.c, kernel/trace/ftrace.c, kernel/module.c): every code update runs
// inside ftrace_arch_code_modify_prepare() → set_all_modules_text_rw(), so the text of every
// module is writable and executable until ftrace_arch_code_modify_post_process(); writes are
// probe_kernel_write() with the int3 dance; create_trampoline() calls set_memory_x() on a page
// that is still writable. 6.1 does none of that (text_poke, text_mutex).
import { describe, expect, test } from 'vitest';
import { auditTrace } from '../audit/auditor.ts';
import type { ScenarioId } from '../scenarios/scenarios.ts';
import type { StrategyId } from '../strategies/strategies.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { stepEvents } from '../trace/events.ts';
import type { KernelEvent, Step, Trace, WriteRecord } from '../trace/types.ts';
import { runScenario } from './scenario.ts';

const vmlinux = builtinVmlinux();
const mods = await demoModules();
const traceOf = (strategy: StrategyId, scenario: ScenarioId): Trace => {
  const r = runScenario(strategy, scenario, mods, vmlinux);
  if (r.kind !== 'trace') throw new Error(r.reason);
  return r.trace;
};
type Perm = Extract<KernelEvent, { kind: 'perm' }>;
const perms = (s: Step) => s.events.filter((e): e is Perm => e.kind === 'perm');
const inFn = (t: Trace, fn: string) => t.steps.filter((s) => s.path.includes(fn));

describe('5.4: ftrace code updates open RWX windows on all module text', () => {
  const t = traceOf('v5.4-flip', 'target-first');

  test('registering the patch ops: prepare makes the text of every loaded module writable, still executable', () => {
    const prepare = inFn(t, 'ftrace_arch_code_modify_prepare');
    expect(prepare.length).toBeGreaterThan(0);
    const first = prepare[0]!;
    expect(first.path).toEqual(expect.arrayContaining(['klp_enable_patch', 'register_ftrace_function']));
    const rw = perms(first).filter((p) => p.fn === 'set_memory_rw');
    // list_for_each_entry(mod, &modules, list): newest first
    expect(rw.map((p) => p.changed.length > 0)).toEqual([true, true, true]);
    for (const p of rw) for (const c of p.changed) expect(c.to).toEqual({ write: true, exec: true });
    const audit = auditTrace(t);
    const v = audit.verdicts.find((x) => x.step === first.index && x.kind === 'rwx');
    for (const m of ['klp_demo_patch core', 'klp_demo_target core', 'klp_demo_target2 core'])
      expect(v?.text).toContain(m);
  });

  test('post_process makes them read-only again', () => {
    const post = inFn(t, 'ftrace_arch_code_modify_post_process')[0]!;
    const ro = perms(post).filter((p) => p.fn === 'set_memory_ro');
    expect(ro.flatMap((p) => p.changed.map((c) => c.to))).toEqual(
      ro.flatMap((p) => p.changed.map(() => ({ write: false, exec: true }))),
    );
    expect(ro.length).toBe(3);
  });

  test('create_trampoline: set_memory_x while the page is still writable, set_memory_ro only after the update', () => {
    const tramp = t.steps.flatMap(perms).filter((p) => p.changed.length && p.addr >= 0xffffffffc0000000n);
    const x = t.steps.flatMap(perms).find((p) => p.fn === 'set_memory_x' && p.changed[0]?.from.write);
    expect(x?.changed[0]).toEqual({
      page: x!.addr,
      from: { write: true, exec: false },
      to: { write: true, exec: true },
    });
    const ro = tramp.find((p) => p.fn === 'set_memory_ro' && p.addr === x!.addr);
    expect(ro?.changed[0]?.to).toEqual({ write: false, exec: true });
  });

  test('call sites are written with probe_kernel_write and the int3 dance; no text_poke in 5.4 ftrace', () => {
    const writes = t.steps
      .flatMap((s) => stepEvents(t, s))
      .filter((e): e is WriteRecord => e.kind === 'write' && /^ftrace (NOP|: )|^ftrace:/.test(e.what ?? ''));
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes.map((w) => w.path))).toEqual(new Set(['probe_kernel_write']));
    const site = writes.filter((w) => w.what?.includes('cmdline_proc_show'));
    expect([...site[0]!.new]).toEqual([0xcc]);
  });

  test('the late load of a target while the patch ops is registered opens the window on its text too', () => {
    const late = traceOf('v5.4-flip', 'late-load');
    const enable = late.steps.filter(
      (s) => s.path.includes('ftrace_module_enable') && s.path.includes('ftrace_arch_code_modify_prepare'),
    );
    const target = enable.find((s) => s.module === 'klp_demo_target');
    expect(target).toBeDefined();
    expect(perms(target!).some((p) => p.changed.some((c) => c.to.write && c.to.exec))).toBe(true);
  });

  test.each<StrategyId>(['v5.4-flip', 'klp-text', 'klp-text-ro', 'split'])(
    '%s: the late-load metrics count the ftrace RWX windows',
    (s) => {
      const late = traceOf(s, 'late-load');
      const { metrics } = auditTrace(late);
      const inWindow = (fn: string) =>
        late.steps.some(
          (st) => st.path.includes(fn) && metrics.rwxWindows.some((w) => w.from <= st.index && st.index <= w.to),
        );
      expect(inWindow('ftrace_arch_code_modify_prepare')).toBe(true);
      expect(inWindow('create_trampoline')).toBe(true);
      expect(metrics.rwxWindows.filter((w) => w.ftrace).length).toBeGreaterThan(0);
    },
  );
});

describe('6.1: ftrace never makes text writable', () => {
  test('ftrace_module_enable with the patch ops registered takes text_mutex; the sites stay NOPs for want of a filter', () => {
    const t = traceOf('text-poke', 'late-load');
    const step = t.steps.find((s) => s.path.at(-1) === 'ftrace_module_enable' && s.module === 'klp_demo_target')!;
    expect(step.title).toMatch(/ftrace_start_up > 0/);
    expect(step.title).toMatch(/text_mutex/);
    expect(step.title).toMatch(/no filter covers/);
    expect(step.title).not.toMatch(/no tracer running/);
    expect(auditTrace(t).verdicts).toEqual([]);
  });
});
