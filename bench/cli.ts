// The command line, whole process and cold, next to readelf on the same file (issue 16):
// `klp-lab load amdgpu.ko` against `readelf -S -s -r -W amdgpu.ko`, run alternately so that both
// see the same machine, each figure the median of N runs: wall time, CPU time (user + sys, what
// the process itself cost, steadier than wall time on a shared machine) and peak RSS. Node's own
// start-up (`node -e 0`) and klp-lab's (`klp-lab load --help`: the launcher, its bundle check,
// the usage table) are measured alongside. Targets: wall ≤ 2× readelf; peak RSS ≤ 4× the file
// plus node's own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';

export interface Run {
  wallMs: number;
  cpuMs: number;
  rssMiB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const haveTime = existsSync('/usr/bin/time');

/** One run of a command: wall time from here; CPU and peak RSS from GNU time when the machine has it. */
function once(cmd: string, args: string[], cwd: string): Run {
  const t0 = performance.now();
  const r = haveTime
    ? spawnSync('/usr/bin/time', ['-f', 'klp-bench %U %S %M', cmd, ...args], {
        cwd,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
    : spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  const m = /klp-bench ([\d.]+) ([\d.]+) (\d+)/.exec(String(r.stderr));
  return {
    wallMs,
    cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : Number.NaN,
    rssMiB: m ? Number(m[3]) / 1024 : Number.NaN,
  };
}

/** Medians of wall and CPU time, the largest peak RSS. */
const summary = (runs: Run[]): Run => ({
  wallMs: median(runs.map((r) => r.wallMs)),
  cpuMs: median(runs.map((r) => r.cpuMs)),
  rssMiB: Math.max(...runs.map((r) => r.rssMiB)),
});

export function cliBench(root: string, file: string, runs = 7): string[] {
  const image = `${mkdtempSync(`${tmpdir()}/klp-bench-`)}/image.bin`;
  const load = ['bin/klp-lab.js', 'load', file, '--fake-missing-symbols', '--image', image];
  once('node', load, root); // builds the launcher's bundle if the sources changed since the last run
  const cmds: Record<string, [string, string[]]> = {
    readelf: ['sh', ['-c', `readelf -S -s -r -W '${file}' > /dev/null`]],
    klp: ['node', load],
    node: ['node', ['-e', '0']],
    help: ['node', ['bin/klp-lab.js', 'load', '--help']],
  };
  const all: Record<string, Run[]> = { readelf: [], klp: [], node: [], help: [] };
  for (let i = 0; i < runs; i++)
    for (const [name, [cmd, args]] of Object.entries(cmds)) all[name]!.push(once(cmd, args, root));
  const s = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, summary(v)])) as Record<string, Run>;
  const fileMiB = statSync(file).size / 2 ** 20;
  const f = (n: number) => (Number.isNaN(n) ? '   n/a' : n.toFixed(0).padStart(6));
  const row = (label: string, r: Run) => `   ${label.padEnd(38)} ${f(r.wallMs)} ${f(r.cpuMs)} ${f(r.rssMiB)}`;
  const { readelf, klp, node, help } = s as Record<'readelf' | 'klp' | 'node' | 'help', Run>;
  const rssBudget = 4 * fileMiB + node.rssMiB;
  return [
    `   median of ${runs}, run alternately          wall ms cpu ms rss MiB`,
    row(`readelf -S -s -r -W (${fileMiB.toFixed(1)} MiB file)`, readelf),
    row('klp-lab load --image (cold process)', klp),
    row('node -e 0 (node alone)', node),
    row('klp-lab load --help (launcher start-up)', help),
    `   ratio klp-lab / readelf: wall ${(klp.wallMs / readelf.wallMs).toFixed(2)}, cpu ${(klp.cpuMs / readelf.cpuMs).toFixed(2)} (target ≤ 2)`,
    `   less node's own start-up: wall ${((klp.wallMs - node.wallMs) / readelf.wallMs).toFixed(2)}, cpu ${((klp.cpuMs - node.cpuMs) / readelf.cpuMs).toFixed(2)}`,
    `   peak RSS ${klp.rssMiB.toFixed(0)} MiB vs 4 × file + node's ${node.rssMiB.toFixed(0)} MiB = ${rssBudget.toFixed(0)} MiB: ${klp.rssMiB <= rssBudget ? 'within' : 'OVER'}`,
  ];
}

// `npx tsx bench/cli.ts FILE.ko [RUNS]`: this part alone (npm run bench runs it on amdgpu.ko).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').at(-1)!) && process.argv[2]) {
  const root = new URL('..', import.meta.url).pathname;
  for (const line of cliBench(root, process.argv[2], Number(process.argv[3] ?? 7))) console.log(line);
}
