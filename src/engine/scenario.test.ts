// Every strategy × scenario on the sample modules: a trace or a stated refusal; the patch
// module's permission story at the key steps, as the kernel makes it: 5.4 kernel/livepatch/core.c
// klp_init_object_loaded() (module_disable_ro() around klp_write_object_relocations()), 6.1
// kernel/livepatch/core.c klp_apply_object_relocs() with arch/x86/kernel/module.c
// apply_relocate_add() (memcpy while UNFORMED, text_poke() after), 6.4+ kernel/module/strict_rwx.c
// module_enable_text_rox(); the auditor's verdicts; the reload failure before 6.3.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { auditTrace } from '../audit/auditor.ts';
import type { KernelId } from '../kernel/profile.ts';
import { decodeModule } from '../module_file.ts';
import { permissionStory } from '../scenarios/golden.ts';
import { type ScenarioId, scenarios } from '../scenarios/scenarios.ts';
import { type StrategyId, strategies } from '../strategies/strategies.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { stepEvents } from '../trace/events.ts';
import type { ModuleFile } from './modules.ts';
import type { RoleModules } from './request.ts';
import { runScenario } from './scenario.ts';

const root = new URL('../../', import.meta.url);
const vmlinux = builtinVmlinux();
const mods = await demoModules();
const run = (strategy: StrategyId, scenario: ScenarioId, kernel?: KernelId) =>
  runScenario(strategy, scenario, mods, vmlinux, kernel);
const traceOf = (strategy: StrategyId, scenario: ScenarioId, kernel?: KernelId) => {
  const r = run(strategy, scenario, kernel);
  if (r.kind !== 'trace') throw new Error(r.reason);
  return r;
};

test('every strategy × scenario gives a trace or says why not', () => {
  const matrix = Object.fromEntries(
    strategies.map((s) => [
      s.id,
      scenarios.map((c) => (run(s.id, c.id).kind === 'trace' ? 'trace' : 'refused')).join(' '),
    ]),
  );
  expect(matrix).toEqual({
    'v5.4-flip': 'trace trace trace trace trace trace trace',
    'klp-text': 'trace trace trace trace trace trace trace',
    'klp-text-ro': 'trace trace trace trace trace trace trace',
    // atomic replace would have to become per-object
    split: 'trace trace trace trace trace trace refused',
    'text-poke': 'trace trace trace trace trace trace trace',
    'text-poke-clear': 'trace trace trace trace trace trace trace',
    'module-memory': 'trace trace trace trace trace trace trace',
    // target-first late-load unload reload two-targets disable-remove atomic-replace
    'forbid-late': 'trace refused refused refused refused trace trace',
    'deny-unload': 'trace trace refused refused trace trace trace',
  });
  const refusal = run('forbid-late', 'late-load');
  expect(refusal.kind === 'refused' && refusal.reason).toBe(
    'forbid-late refuses late-load: klp_demo_target was already loaded as a dependency of klp_demo_patch — a target cannot arrive after its patch in this design',
  );
});

describe('reload', () => {
  test.each<StrategyId>(['v5.4-flip', 'klp-text', 'klp-text-ro', 'text-poke'])(
    '%s: the target cannot be loaded again (stale relocations in the patch)',
    (s) => {
      const r = traceOf(s, 'reload');
      expect(r.outcomes.map((o) => o.ok)).toEqual([true, true, true, false]);
      expect(r.outcomes[3]!.errno).toBe('ENOEXEC');
      expect(r.outcomes[3]!.message).toMatch(
        /^module: x86\/modules: Skipping invalid relocation target, existing value is nonzero for type 11, loc [0-9a-f]{16}, val ffffffffc0[0-9a-f]{6}$/,
      );
    },
  );
  test('split: the sub-module leaves with its target, so the reload gets a fresh one', () => {
    const r = traceOf('split', 'reload');
    expect(r.outcomes.map((o) => o.ok)).toEqual([true, true, true, true]);
    const subLoads = r.trace.steps.filter((s) =>
      s.title.startsWith('request_module("klp_demo_patch__klp_demo_target")'),
    );
    expect(subLoads).toHaveLength(2);
  });
  test.each<StrategyId>(['text-poke-clear', 'module-memory'])('%s: cleared on unload, so the reload succeeds', (s) => {
    const r = traceOf(s, 'reload');
    expect(r.outcomes.map((o) => o.ok)).toEqual([true, true, true, true]);
    expect(permissionStory(r.trace, 'klp_demo_patch').filter((l) => l.startsWith('clear_relocate_add'))).toHaveLength(
      1,
    );
  });
});

test('5.4 late load: the patch text is writable and executable around each late relocation and each ftrace update', () => {
  expect(permissionStory(traceOf('v5.4-flip', 'late-load').trace, 'klp_demo_patch')).toEqual([
    'move_module core:rw-,rw-,rw-,rw- init:rw-,rw-',
    'module_enable_ro core:r--,r--,rw-,rw- init:rw-,rw-',
    'module_enable_x core:r-x,r--,rw-,rw- init:rw-,rw-',
    'module_disable_ro core:rwx,rw-,rw-,rw- init:rw-,rw-', // vmlinux object, inside the patch's init
    'klp_write_object_relocations core:rwx,rw-,rw-,rw- init:rw-,rw-',
    'module_enable_ro core:r-x,r--,rw-,rw- init:rw-,rw-',
    // register_ftrace_function(cmdline_proc_show): set_all_modules_text_rw() … _ro()
    'ftrace_arch_code_modify_prepare core:rwx,r--,rw-,rw- init:rw-,rw-',
    'ftrace_arch_code_modify_post_process core:r-x,r--,rw-,rw- init:rw-,rw-',
    'do_free_init core:r-x,r--,rw-,rw-',
    // klp_demo_target arrives: ftrace_module_enable() with the patch's ops registered
    'ftrace_arch_code_modify_prepare core:rwx,r--,rw-,rw-',
    'ftrace_arch_code_modify_post_process core:r-x,r--,rw-,rw-',
    'module_disable_ro core:rwx,rw-,rw-,rw-',
    'klp_write_object_relocations core:rwx,rw-,rw-,rw-',
    'module_enable_ro core:r-x,r--,rw-,rw-',
    // one register_ftrace_function() per patched function of klp_demo_target
    'ftrace_arch_code_modify_prepare core:rwx,r--,rw-,rw-',
    'ftrace_arch_code_modify_post_process core:r-x,r--,rw-,rw-',
    'ftrace_arch_code_modify_prepare core:rwx,r--,rw-,rw-',
    'ftrace_arch_code_modify_post_process core:r-x,r--,rw-,rw-',
  ]);
});

test('5.8+ late load: relocations at load while RW, later through text_poke with the patch RX', () => {
  expect(permissionStory(traceOf('text-poke', 'late-load').trace, 'klp_demo_patch')).toEqual([
    'move_module core:rw-,rw-,rw-,rw- init:rw-,rw-',
    'klp_apply_section_relocs core:rw-,rw-,rw-,rw- init:rw-,rw-', // .klp.rela.vmlinux, UNFORMED: memcpy
    'module_enable_ro core:r--,r--,rw-,rw- init:rw-,rw-',
    'module_enable_x core:r-x,r--,rw-,rw- init:rw-,rw-',
    'do_free_init core:r-x,r--,rw-,rw-',
    'klp_apply_section_relocs core:r-x,r--,rw-,rw-', // .klp.rela.klp_demo_target, text_poke
  ]);
  const { trace } = traceOf('text-poke', 'late-load');
  const writes = trace.steps
    .filter((s) => s.path.at(-1) === 'klp_apply_section_relocs')
    .map((s) => [...new Set(stepEvents(trace, s).flatMap((e) => (e.kind === 'write' && e.cause ? [e.path] : [])))]);
  expect(writes).toEqual([['memcpy'], ['text_poke']]);
});

test('6.4: each memory type is its own allocation (struct module_memory); text read-only, then executable (v6.4 strict_rwx.c)', () => {
  expect(permissionStory(traceOf('module-memory', 'late-load', '6.4').trace, 'klp_demo_patch')).toEqual([
    'move_module MOD_TEXT:rw- MOD_DATA:rw-,rw- MOD_RODATA:rw- MOD_INIT_DATA:rw-',
    'klp_apply_section_relocs MOD_TEXT:rw- MOD_DATA:rw-,rw- MOD_RODATA:rw- MOD_INIT_DATA:rw-',
    'module_enable_ro MOD_TEXT:r-- MOD_DATA:rw-,rw- MOD_RODATA:r-- MOD_INIT_DATA:rw-',
    'module_enable_x MOD_TEXT:r-x MOD_DATA:rw-,rw- MOD_RODATA:r-- MOD_INIT_DATA:rw-',
    'do_free_init MOD_TEXT:r-x MOD_DATA:rw-,rw- MOD_RODATA:r--',
    'klp_apply_section_relocs MOD_TEXT:r-x MOD_DATA:rw-,rw- MOD_RODATA:r--',
  ]);
});

test('.klp.text (Jessica): sections of absent objects stay RW+NX, the arriving target\u2019s hook makes its section RO then X', () => {
  const r = traceOf('klp-text', 'late-load');
  expect(r.packaging).toEqual({
    kind: 'klp-text',
    sections: [
      { object: 'vmlinux', section: '.klp.text.vmlinux', size: 4096, functions: ['livepatch_cmdline_proc_show'] },
      {
        object: 'klp_demo_target',
        section: '.klp.text.klp_demo_target',
        size: 4096,
        functions: ['livepatch_klp_demo_greeting', 'livepatch_klp_demo_target_describe'],
      },
      {
        object: 'klp_demo_target2',
        section: '.klp.text.klp_demo_target2',
        size: 4096,
        functions: ['livepatch_klp_demo2_format'],
      },
    ].sort((a, b) => (a.section < b.section ? -1 : 1)),
  });
  expect(permissionStory(r.trace, 'klp_demo_patch')).toEqual([
    'move_module core:rw-,rw-,rw-,rw-,rw-,rw-,rw- init:rw-,rw-',
    'module_enable_ro core:r--,rw-,rw-,r--,r--,rw-,rw- init:rw-,rw-',
    'module_enable_x core:r-x,rw-,rw-,r-x,r--,rw-,rw- init:rw-,rw-',
    // 5.4 ftrace: all module text RWX around each update; post_process leaves the absent
    // objects' sections as module_enable_ro() did (the reconstruction's frobTextSkip)
    'ftrace_arch_code_modify_prepare core:rwx,rw-,rw-,rwx,r--,rw-,rw- init:rw-,rw-',
    'ftrace_arch_code_modify_post_process core:r-x,rw-,rw-,r-x,r--,rw-,rw- init:rw-,rw-',
    'do_free_init core:r-x,rw-,rw-,r-x,r--,rw-,rw-',
    'module_enable_ro core:r-x,r-x,rw-,r-x,r--,rw-,rw-',
    ...Array<string>(3)
      .fill('')
      .flatMap(() => [
        'ftrace_arch_code_modify_prepare core:rwx,rwx,rw-,rwx,r--,rw-,rw-',
        'ftrace_arch_code_modify_post_process core:r-x,r-x,rw-,r-x,r--,rw-,rw-',
      ]),
  ]);
});

test('.klp.text, Petr\u2019s variant: absent objects\u2019 sections RO+NX, flipped back to RW for the late relocation', () => {
  expect(permissionStory(traceOf('klp-text-ro', 'late-load').trace, 'klp_demo_patch')).toEqual([
    'move_module core:rw-,rw-,rw-,rw-,rw-,rw-,rw- init:rw-,rw-',
    'module_enable_ro core:r--,r--,r--,r--,r--,rw-,rw- init:rw-,rw-',
    'module_enable_x core:r-x,r--,r--,r-x,r--,rw-,rw- init:rw-,rw-',
    'ftrace_arch_code_modify_prepare core:rwx,rw-,rw-,rwx,r--,rw-,rw- init:rw-,rw-',
    'ftrace_arch_code_modify_post_process core:r-x,r--,r--,r-x,r--,rw-,rw- init:rw-,rw-',
    'do_free_init core:r-x,r--,r--,r-x,r--,rw-,rw-',
    'apply_relocate_add core:r-x,rw-,r--,r-x,r--,rw-,rw-',
    'module_enable_ro core:r-x,r-x,r--,r-x,r--,rw-,rw-',
    ...Array<string>(3)
      .fill('')
      .flatMap(() => [
        'ftrace_arch_code_modify_prepare core:rwx,rwx,rw-,rwx,r--,rw-,rw-',
        'ftrace_arch_code_modify_post_process core:r-x,r-x,r--,r-x,r--,rw-,rw-',
      ]),
  ]);
});

test('split: nothing is written into a patch module after it became executable (5.4 ftrace aside)', () => {
  const r = traceOf('split', 'late-load');
  expect(r.packaging).toMatchObject({
    kind: 'split',
    modules: [
      { name: 'klp_demo_patch' },
      { name: 'klp_demo_patch__klp_demo_target' },
      { name: 'klp_demo_patch__klp_demo_target2' },
    ],
  });
  const sub = permissionStory(r.trace, 'klp_demo_patch__klp_demo_target');
  expect(sub[0]).toMatch(/^move_module /);
  const { verdicts, metrics } = auditTrace(r.trace);
  expect(verdicts.filter((v) => v.kind === 'write-after-exec' && /klp_demo_patch/.test(v.text))).toEqual([]);
  // every RWX window is one 5.4's ftrace opened
  expect(metrics.rwxWindows.every((w) => w.ftrace)).toBe(true);
});

describe('auditor', () => {
  test('flags the 5.4 RWX windows and the stores into executable text', () => {
    const { metrics, verdicts } = auditTrace(traceOf('v5.4-flip', 'late-load').trace);
    // module_disable_ro() around each late relocation …
    expect(metrics.rwxWindows.filter((w) => !w.ftrace).map((w) => w.to - w.from + 1)).toEqual([3, 3]);
    // … and ftrace's: three trampolines, and all module text around four code updates
    expect(metrics.rwxWindows.filter((w) => w.ftrace).map((w) => w.maxPages)).toEqual([1, 1, 3, 1, 3, 1, 3]);
    expect(metrics.pagesWritableAfterExec).toBe(12);
    expect([...new Set(verdicts.map((v) => v.kind))].sort()).toEqual(['rwx', 'write-after-exec']);
  });
  test.each<StrategyId>(['text-poke', 'text-poke-clear', 'module-memory'])(
    'flags nothing in %s, whatever the scenario',
    (s) => {
      for (const c of scenarios) expect(auditTrace(traceOf(s, c.id).trace).verdicts).toEqual([]);
    },
  );
});

test("a user's own livepatch runs every design, or is refused with the packaging limit that stops it", async () => {
  const file = 'src/klp_packaging/__fixtures__/klp_helpers_patch.ko';
  const d = await decodeModule(new Uint8Array(readFileSync(new URL(file, root))), 'klp_helpers_patch.ko');
  if (!d.ok) throw new Error(d.error.message);
  const own: RoleModules<ModuleFile> = {
    ...mods,
    P: { fileName: 'klp_helpers_patch.ko', bytes: d.bytes, elf: d.module.elf },
  };
  const kinds = Object.fromEntries(strategies.map((s) => [s.id, runScenario(s.id, 'late-load', own, vmlinux)]));
  expect(
    Object.entries(kinds)
      .filter(([, r]) => r.kind === 'refused')
      .map(([id, r]) => [id, r.kind === 'refused' && r.reason]),
  ).toEqual([
    ['split', 'split cannot repackage klp_helpers_patch.ko: .init.text+0x9: code refers to dropped code at .text+0x40'],
    [
      'forbid-late',
      'forbid-late refuses late-load: klp_demo_target was already loaded as a dependency of klp_helpers_patch — a target cannot arrive after its patch in this design',
    ],
  ]);
  for (const r of Object.values(kinds)) if (r.kind === 'trace') expect(r.outcomes.every((o) => o.ok)).toBe(true);
});
