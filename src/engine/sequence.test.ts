// A sequence's operations as it reports them: where each starts in the trace, and a livepatch
// disabled through sysfs (enabled_store) between an insmod and an rmmod.
import { expect, test } from 'vitest';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { decodedModule } from './modules.ts';
import { runSequence } from './sequence.ts';

test('insmod target, insmod patch, disable patch, rmmod patch: every step of each, in order', async () => {
  const mods = await demoModules();
  const { trace, outcomes } = await runSequence(
    {
      kind: 'sequence',
      kernel: '6.1',
      ops: [
        { op: 'insmod', module: mods.T! },
        { op: 'insmod', module: mods.P! },
        { op: 'disable', name: 'klp_demo_patch' },
        { op: 'rmmod', name: 'klp_demo_patch' },
      ],
      fakeMissingSymbols: false,
    },
    decodedModule,
    { vmlinux: builtinVmlinux() },
  );
  expect(outcomes.map((o) => [o.op, o.module, o.ok])).toEqual([
    ['insmod', 'klp_demo_target.ko', true],
    ['insmod', 'klp_demo_patch.ko', true],
    ['disable', 'klp_demo_patch', true],
    ['rmmod', 'klp_demo_patch', true],
  ]);
  const starts = outcomes.map((o) => o.step);
  expect(starts[0]).toBe(0);
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
  expect(trace.steps[starts[1]!]!.path).toEqual(['load_module', 'module_sig_check']);
  expect(trace.steps[starts[2]!]!.path[0]).toBe('enabled_store');
  expect(trace.steps[starts[3]!]!.path[0]).toBe('delete_module');
});

test('disabling a patch that is not loaded stops the sequence with ENOENT', async () => {
  const { outcomes } = await runSequence(
    { kind: 'sequence', kernel: '6.1', ops: [{ op: 'disable', name: 'klp_demo_patch' }], fakeMissingSymbols: false },
    decodedModule,
    { vmlinux: builtinVmlinux() },
  );
  expect(outcomes).toEqual([
    {
      op: 'disable',
      module: 'klp_demo_patch',
      ok: false,
      errno: 'ENOENT',
      message: 'no patch klp_demo_patch',
      step: 0,
    },
  ]);
});
