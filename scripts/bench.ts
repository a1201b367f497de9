// npm run bench: how fast the core is, each figure next to its baseline from the same run.
//  1. every strategy × scenario trace of the samples;
//  2. decode (openModule) of real modules vs readelf -h -S -s -r -W on the same file;
//  3. `npx klp-lab load amdgpu.ko --fake-missing-symbols --image` as a whole process vs
//     `readelf -S -s -r -W amdgpu.ko` (bench/cli.ts; issue 16 target: within 2× of readelf);
//  4. relocations per second inside the core, and peak memory against the file size;
//  5. amdgpu.ko's trace as the browser makes it: recorded, audited, transferred, mapped;
//  6. parsing a klp-capture recording 8 times as long (linear or not).
// amdgpu.ko is the largest Debian 6.1 module (pinned linux-image-6.1.0-56-amd64, unpacked on demand).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cliBench } from '../bench/cli.ts';
import { auditTrace } from '../src/audit/auditor.ts';
import { runScenario } from '../src/engine/scenario.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import { load_module } from '../src/kernel/module/main.ts';
import { decodeModule, openModule } from '../src/module_file.ts';
import { parseRecording } from '../src/recording/parse.ts';
import { scenarios } from '../src/scenarios/scenarios.ts';
import { strategies } from '../src/strategies/strategies.ts';
import { builtinVmlinux, demoModules } from '../src/test_support/demo_modules.ts';
import { buildPageMap } from '../src/trace/page_map.ts';
import { writeLogTransferables } from '../src/trace/write_log.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const imageDeb = `${root}../shared/debian/linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb`;
const unpacked = `${root}build/debian-image`;
const amdgpu = `${unpacked}/lib/modules/6.1.0-56-amd64/kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko`;
if (!existsSync(amdgpu) && existsSync(imageDeb)) {
  mkdirSync(unpacked, { recursive: true });
  execFileSync('dpkg-deb', ['-x', imageDeb, unpacked]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function wall(cmd: string, args: string[], runs: number): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    t.push(performance.now() - t0);
  }
  return median(t);
}
const haveReadelf = spawnSync('readelf', ['--version']).status === 0;
console.log(
  `machine: ${cpus().length}× ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);

// 1. every strategy × scenario on the samples, first: in a fresh heap, as in the worker
const mods = await demoModules();
const vm = builtinVmlinux();
const t: number[] = [];
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  for (const s of strategies) for (const c of scenarios) runScenario(s.id, c.id, mods, vm);
  t.push(performance.now() - t0);
}
// the first runs are the JIT warming up; the last 20 are what a page that has run once gets
console.log(
  `\n1. all ${strategies.length}×${scenarios.length} strategy × scenario traces: first (cold) ${t[0]!.toFixed(0)} ms, median of runs 11–30 ${median(t.slice(10)).toFixed(0)} ms, best ${Math.min(...t).toFixed(0)} ms (target < 50 ms)`,
);

// 2. decode
const fixtures = `${root}src/elf/__fixtures__/debian`;
const files = [
  ...(existsSync(amdgpu) ? [amdgpu] : []),
  ...readdirSync(fixtures)
    .filter((f) => f.endsWith('.ko'))
    .map((f) => `${fixtures}/${f}`),
];
console.log('\n2. decode: openModule vs readelf -h -S -s -r -W (median ms)');
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  const runs = bytes.length > 5e6 ? 7 : 25;
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await openModule(bytes, file);
    t.push(performance.now() - t0);
  }
  const ours = median(t);
  const theirs = haveReadelf ? wall('readelf', ['-h', '-S', '-s', '-r', '-W', file], runs) : NaN;
  console.log(
    `  ${file.split('/').at(-1)!.padEnd(14)} ${ours.toFixed(1).padStart(8)} vs ${theirs.toFixed(1).padStart(7)}  ratio ${(ours / theirs).toFixed(2)}`,
  );
}

// 3 + 4. the whole load pipeline on amdgpu
if (existsSync(amdgpu)) {
  console.log('\n3. klp-lab load amdgpu.ko, whole process and cold, vs readelf -S -s -r -W (bench/cli.ts)');
  for (const line of cliBench(root, amdgpu)) console.log(line);

  const vmlinux = builtinVmlinux();
  const d = await decodeModule(new Uint8Array(readFileSync(amdgpu)), 'amdgpu.ko');
  if (!d.ok) throw new Error(d.error.message);
  // first (cold, as in the CLI) and best of 5 (warm JIT)
  const loads: { ms: number; relocMs: number; relocs: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const k = new Kernel({ vmlinux, fakeMissingSymbols: true, recordWrites: false });
    const t0 = performance.now();
    load_module(k, d.bytes, d.module.elf);
    loads.push({
      ms: performance.now() - t0,
      relocMs: k.relocationMs,
      relocs: Object.values(k.relocationCounts).reduce((a, b) => a + b, 0),
    });
  }
  const rate = (n: number, ms: number) => (n / (ms / 1000) / 1e6).toFixed(1);
  const cold = loads[0]!;
  const warmLoop = loads.reduce((a, b) => (b.relocMs < a.relocMs ? b : a));
  const warmLoad = loads.reduce((a, b) => (b.ms < a.ms ? b : a));
  console.log(
    `4. load_module(amdgpu.ko), ${cold.relocs} relocations: relocation loop (apply_relocate_add) ${cold.relocMs.toFixed(1)} ms cold = ${rate(cold.relocs, cold.relocMs)} M/s, ${warmLoop.relocMs.toFixed(1)} ms warm = ${rate(cold.relocs, warmLoop.relocMs)} M/s (target ≥ 20 M/s)`,
  );
  console.log(
    `   whole load_module ${cold.ms.toFixed(0)} ms cold = ${rate(cold.relocs, cold.ms)} M relocations/s, ${warmLoad.ms.toFixed(0)} ms warm = ${rate(cold.relocs, warmLoad.ms)} M/s`,
  );

  // 5. what the browser's worker and UI thread do for amdgpu.ko's trace, baseline: the same load
  //    with writes only counted (the CLI's path above)
  const phases: Array<Record<string, number>> = [];
  let writes = 0;
  let moved = 0;
  for (let i = 0; i < 3; i++) {
    const k = new Kernel({ vmlinux, fakeMissingSymbols: true });
    const t0 = performance.now();
    load_module(k, d.bytes, d.module.elf);
    const t1 = performance.now();
    const audit = auditTrace(k.trace.trace);
    const t2 = performance.now();
    const transfer = writeLogTransferables(k.trace.trace.writes);
    moved = transfer.reduce((n, b) => n + b.byteLength, 0);
    const received = structuredClone({ trace: k.trace.trace, audit }, { transfer });
    const t3 = performance.now();
    buildPageMap(received.trace);
    const t4 = performance.now();
    writes = received.trace.writes.length;
    phases.push({ load: t1 - t0, audit: t2 - t1, clone: t3 - t2, map: t4 - t3 });
  }
  const f = (p: Record<string, number>, key: string) => p[key]!.toFixed(0).padStart(4);
  console.log(
    `5. amdgpu.ko traced as the browser does (${writes} writes recorded, ${(moved / 2 ** 20).toFixed(1)} MiB transferred), ms: first / best of 3`,
  );
  const best = (key: string) =>
    Math.min(...phases.map((p) => p[key]!))
      .toFixed(0)
      .padStart(4);
  console.log(
    `   load_module, writes recorded   ${f(phases[0]!, 'load')} / ${best('load')}   (writes only counted: ${cold.ms.toFixed(0)} / ${warmLoad.ms.toFixed(0)}, ratio ${(phases[0]!.load! / cold.ms).toFixed(2)} / ${(Math.min(...phases.map((p) => p.load!)) / warmLoad.ms).toFixed(2)})`,
  );
  console.log(`   auditTrace                     ${f(phases[0]!, 'audit')} / ${best('audit')}`);
  console.log(`   structured clone, transferred  ${f(phases[0]!, 'clone')} / ${best('clone')}`);
  console.log(`   buildPageMap (UI thread)       ${f(phases[0]!, 'map')} / ${best('map')}`);
}

// 6. A klp-capture recording grown 4× and 32× (its trace part repeated): parse time should grow
//    8× (linear); the baseline is the 4× parse in the same run.
{
  const text = readFileSync(`${root}truth/v6.1/capture-late-load/recording.txt`, 'utf8');
  const lines = text.replace(/\n$/, '').split('\n');
  const start = lines.findIndex((l) => l.includes('klp-capture: start')) + 1;
  const end = lines.findIndex((l) => l.includes('klp-capture: end'));
  const grown = (k: number) => {
    const body = [...lines.slice(0, start), ...Array(k).fill(lines.slice(start, end)).flat(), ...lines.slice(end)];
    body[body.length - 1] = `@@ end-of-recording lines=${body.length}`;
    return `${body.join('\n')}\n`;
  };
  const best = (t: string) => {
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      parseRecording(t);
      ms.push(performance.now() - t0);
    }
    return Math.min(...ms);
  };
  const [small, big] = [grown(4), grown(32)];
  best(small);
  const a = best(small);
  const b = best(big);
  console.log(
    `6. parseRecording: 4× late-load ${a.toFixed(1)} ms, 32× ${b.toFixed(1)} ms — ratio ${(b / a).toFixed(1)} for 8× the lines (linear: 8)`,
  );
}
