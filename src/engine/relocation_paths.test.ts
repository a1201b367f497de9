// apply_relocate_add fast path writes the same bytes and trace as the faithful one — in every
// sample scenario, which reaches all three of its write paths: memcpy while a module loads,
// 5.4's stores into a patch module made writable again, text_poke() of 6.x late relocations
// (and 6.3's clearing after them). Each runs once as it does everywhere (the batch,
// AddressSpace.applyRelocationBatch(), takes the common entries) and once with the batch
// taking none, so that every entry goes through the kernel-shaped loop; the traces must be
// identical. The module-load half, with memory images, is src/kernel/arch/x86/relocation_log.test.ts.
import { afterEach, expect, it, vi } from 'vitest';
import { AddressSpace } from '../kernel/mm/address_space.ts';
import { scenarios } from '../scenarios/scenarios.ts';
import { strategies } from '../strategies/strategies.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { traceToJson } from '../trace/json.ts';
import { runScenario } from './scenario.ts';

afterEach(() => vi.restoreAllMocks());

/** `body`'s result, and the entries the batch wrote (or skipped) itself meanwhile. */
function withBatch<T>(body: () => T): [T, number] {
  const spy = vi.spyOn(AddressSpace.prototype, 'applyRelocationBatch');
  try {
    const r = body();
    return [r, spy.mock.calls.reduce((n, [, from], i) => n + (spy.mock.results[i]!.value as number) - from, 0)];
  } finally {
    spy.mockRestore();
  }
}

/** `body` with the batch taking no entry: every entry goes through the faithful loop. */
function faithfulOnly<T>(body: () => T): T {
  const spy = vi.spyOn(AddressSpace.prototype, 'applyRelocationBatch').mockImplementation((_rows, from) => from);
  try {
    return body();
  } finally {
    spy.mockRestore();
  }
}

it('apply_relocate_add fast path writes the same bytes and trace as the faithful one, in every strategy × scenario', async () => {
  const mods = await demoModules();
  const vmlinux = builtinVmlinux();
  let viaBatch = 0;
  for (const s of strategies)
    for (const c of scenarios) {
      const run = () => {
        const r = runScenario(s.id, c.id, mods, vmlinux);
        return r.kind === 'trace' ? traceToJson(r.trace) : r.reason;
      };
      const [batched, n] = withBatch(run);
      viaBatch += n;
      expect(batched, `${s.id} × ${c.id}`).toBe(faithfulOnly(run));
    }
  expect(viaBatch).toBeGreaterThan(1000);
});
