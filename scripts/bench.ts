// npm run bench [-- MODULE.ko ...]: how long the core takes to open real modules, in Node.
// Baseline: binutils' `readelf -h -S -s -r -W` on the same file (output to /dev/null), which
// decodes the same header, sections, symbols and relocations.
// Default modules: the largest Debian 6.1 module (amdgpu.ko, from the pinned
// linux-image-6.1.0-56-amd64 package, unpacked on demand) and the test fixtures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openModule } from '../src/module_file.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const imageDeb = `${root}../shared/debian/linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb`;
const unpacked = `${root}build/debian-image`;
const amdgpu = `${unpacked}/lib/modules/6.1.0-56-amd64/kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko`;

function defaultModules(): string[] {
  if (!existsSync(amdgpu) && existsSync(imageDeb)) {
    mkdirSync(unpacked, { recursive: true });
    execFileSync('dpkg-deb', ['-x', imageDeb, unpacked]);
  }
  const fixtures = `${root}src/elf/__fixtures__/debian`;
  const list = readdirSync(fixtures).filter((f) => f.endsWith('.ko')).map((f) => `${fixtures}/${f}`);
  return existsSync(amdgpu) ? [amdgpu, ...list] : list;
}

async function timeIt(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!; // median
}

function readelfMs(file: string, runs: number): number | undefined {
  if (spawnSync('readelf', ['--version']).status !== 0) return undefined;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync('readelf', ['-h', '-S', '-s', '-r', '-W', file], { stdio: ['ignore', 'ignore', 'ignore'] });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const files = process.argv.slice(2).length ? process.argv.slice(2) : defaultModules();
console.log('openModule (decompress + sig check + elf_validity_check + decode), median of runs');
console.log('file'.padEnd(16), 'size'.padStart(10), 'relocs'.padStart(8), 'syms'.padStart(6), 'klp-lab ms'.padStart(11), 'readelf ms'.padStart(11), 'ratio'.padStart(6));
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  const first = await openModule(bytes, file);
  if (!first.ok) {
    console.log(file, 'refused:', first.error.message);
    continue;
  }
  const elf = first.module.elf;
  const runs = bytes.length > 5e6 ? 7 : 25;
  const ours = await timeIt(() => openModule(bytes, file), runs);
  const theirs = readelfMs(file, runs);
  const relocs = elf.relocations.reduce((n, r) => n + r.count, 0);
  console.log(
    file.split('/').at(-1)!.padEnd(16),
    String(bytes.length).padStart(10),
    String(relocs).padStart(8),
    String(elf.symbols.length).padStart(6),
    ours.toFixed(1).padStart(11),
    (theirs?.toFixed(1) ?? '-').padStart(11),
    (theirs ? (ours / theirs).toFixed(2) : '-').padStart(6),
  );
}
