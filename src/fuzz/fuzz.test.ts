// 10,000 hostile variants of real modules (fixed seed) through decode and load: each ends as a
// loaded module or a refusal the kernel would give (its errno, its message where it prints one)
// — never an exception, never klp-lab's internal error. `npm run fuzz` runs longer.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseKallsyms } from '../kernel/kallsyms.ts';
import { fuzzBases } from './bases.ts';
import { hostileModule } from './mutations.ts';
import { runInput } from './run_input.ts';
import { structuredModule } from './structured.ts';

const vmlinux = parseKallsyms(readFileSync(new URL('../../public/samples/vmlinux.kallsyms', import.meta.url), 'utf8'));

test('10,000 hostile modules: every one loads or is refused as the kernel would, none crashes', async () => {
  const inputs = fc.sample(hostileModule(fuzzBases()), { numRuns: 10_000, seed: 20261125 });
  const outcomes: Record<string, number> = {};
  const crashes: string[] = [];
  const silent = new Set<string>();
  for (const input of inputs) {
    const r = await runInput(input.bytes, vmlinux);
    outcomes[r.kind] = (outcomes[r.kind] ?? 0) + 1;
    if (r.kind === 'crash') crashes.push(`${input.base}: ${r.error}`);
    if (r.kind === 'refused') {
      expect(r.error.errnoName).toMatch(/^(E[A-Z]+|Oops)$/);
      if (!r.error.message) silent.add(`${r.error.where} ${r.error.errnoName}`);
    }
  }
  expect(crashes).toEqual([]);
  expect(outcomes.loaded! + outcomes.refused!).toBe(10_000);
  // the kernel refuses these without a word; nothing else may be silent
  for (const s of silent)
    expect([
      'mod_check_sig EBADMSG',
      'pkcs7_parse_message EBADMSG',
      'verify_pkcs7_signature EKEYREJECTED',
      'mod_verify_sig EBADMSG',
      'add_unformed_module EEXIST',
      'move_module ENOMEM',
    ]).toContain(s);
}, 120_000);

// (their time and peak memory, per input kind: `npm run bench:crafted`; no clock here)
test('600 structure-aware crafted modules (counts, sharing, long names, big sh_size, bombs): none crashes', async () => {
  const inputs = fc.sample(structuredModule(fuzzBases()), { numRuns: 600, seed: 20261205 });
  const crashes: string[] = [];
  const outcomes: Record<string, number> = {};
  for (const input of inputs) {
    const r = await runInput(input.bytes, vmlinux);
    outcomes[r.kind] = (outcomes[r.kind] ?? 0) + 1;
    if (r.kind === 'crash') crashes.push(`${input.base}: ${r.error}`);
  }
  expect(crashes).toEqual([]);
  expect(outcomes.loaded).toBeGreaterThan(0);
  expect(outcomes.refused).toBeGreaterThan(0);
}, 240_000);
