// npm run fuzz [-- --runs N | --seconds S] [--seed N]: hostile variants of real modules
// (src/fuzz/mutations.ts) and, one input in four, structure-aware crafted modules
// (src/fuzz/structured.ts: counts, sharing, long names, big sh_size, bombs) through the whole core. Prints how many ran, how each ended, the
// slowest input, and every distinct crash (an exception or klp-lab's internal error).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { fuzzBases } from '../src/fuzz/bases.ts';
import { hostileModule } from '../src/fuzz/mutations.ts';
import { runInput } from '../src/fuzz/run_input.ts';
import { structuredModule } from '../src/fuzz/structured.ts';
import { parseKallsyms } from '../src/kernel/kallsyms.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    seconds: { type: 'string' },
    seed: { type: 'string', default: String(Date.now() % 1e9) },
  },
});
const vmlinux = parseKallsyms(readFileSync(new URL('../public/samples/vmlinux.kallsyms', import.meta.url), 'utf8'));
const arb = fc.oneof(
  { arbitrary: hostileModule(fuzzBases()), weight: 3 },
  { arbitrary: structuredModule(fuzzBases()), weight: 1 },
);
const seed = Number(values.seed);
const limitRuns = values.runs ? Number(values.runs) : Infinity;
const limitMs = values.seconds ? Number(values.seconds) * 1000 : values.runs ? Infinity : 60_000;
const counts: Record<string, number> = {};
const crashes = new Map<string, { n: number; base: string }>();
let slowest = 0;
let ran = 0;
const t0 = performance.now();
for (let batch = 0; ran < limitRuns && performance.now() - t0 < limitMs; batch++) {
  for (const input of fc.sample(arb, { numRuns: 500, seed: seed + batch })) {
    if (ran >= limitRuns || performance.now() - t0 >= limitMs) break;
    const t = performance.now();
    const r = await runInput(input.bytes, vmlinux);
    slowest = Math.max(slowest, performance.now() - t);
    ran++;
    counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    if (r.kind === 'crash') {
      const key = r.error.split('\n').slice(0, 3).join(' | ');
      crashes.set(key, { n: (crashes.get(key)?.n ?? 0) + 1, base: input.base });
    }
  }
}
console.log(
  `${ran} inputs (seed ${seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s, slowest ${slowest.toFixed(0)} ms: ${JSON.stringify(counts)}`,
);
for (const [k, v] of [...crashes].sort((a, b) => b[1].n - a[1].n)) console.log(`${v.n}× (${v.base}) ${k}`);
process.exitCode = crashes.size ? 1 : 0;
