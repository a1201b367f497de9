// npm run corpus [-- [--strict] [DIR]]: every module of Debian's 6.1 image through the emulated
// 6.1 loader.
// Each module is loaded alone into a fresh kernel with the shipped vmlinux table; symbols no
// table provides (other modules' exports, vmlinux symbols outside the table) get invented
// addresses, so layout, relocation and finalisation run on every module. A kernel-style
// refusal is data; an exception is an emulator bug. --strict invents nothing: modules that need
// a symbol the table lacks are refused with the kernel's "Unknown symbol" message.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseKallsyms } from '../src/kernel/kallsyms.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import { load_module } from '../src/kernel/module/main.ts';
import { decodeModule } from '../src/module_file.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const deb = `${root}../shared/debian/linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb`;
const unpacked = `${root}build/debian-image`;
const args = process.argv.slice(2);
const strict = args.includes('--strict');
const given = args.find((a) => !a.startsWith('--'));
const dir = given ?? `${unpacked}/lib/modules/6.1.0-56-amd64/kernel`;
if (!given && !existsSync(dir)) {
  mkdirSync(unpacked, { recursive: true });
  execFileSync('dpkg-deb', ['-x', deb, unpacked]);
}

function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = `${d}/${f}`;
    return statSync(p).isDirectory() ? walk(p) : /\.ko(\.(xz|gz|zst))?$/.test(f) ? [p] : [];
  });
}

const vmlinux = parseKallsyms(readFileSync(`${root}public/samples/vmlinux.kallsyms`, 'utf8'));
const files = walk(dir).sort();
const refused = new Map<string, string>();
const crashed = new Map<string, string>();
let loaded = 0;
let invented = 0;
let relocations = 0;
const t0 = performance.now();
for (const file of files) {
  const name = file.split('/').at(-1)!;
  try {
    const d = await decodeModule(new Uint8Array(readFileSync(file)), name);
    if (!d.ok) {
      refused.set(name, d.error.message);
      continue;
    }
    const k = new Kernel({ vmlinux, fakeMissingSymbols: !strict, recordWrites: false });
    const r = load_module(k, d.bytes, d.module.elf);
    if (r.ok) loaded++;
    else refused.set(name, r.error?.message || r.error?.errnoName || '?');
    invented += k.inventedSymbols.size;
    relocations += Object.values(k.relocationCounts).reduce((a, b) => a + b, 0);
  } catch (e) {
    crashed.set(name, e instanceof Error ? `${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e));
  }
}
const seconds = (performance.now() - t0) / 1000;
console.log(
  `${files.length} modules in ${seconds.toFixed(1)} s: ${loaded} loaded, ${refused.size} refused by the emulated kernel, ${crashed.size} emulator errors`,
);
console.log(`${relocations} relocations applied; ${invented} symbol addresses invented (not in the shipped table)`);
const reasons = new Map<string, number>();
for (const m of refused.values()) {
  const reason = m.replace(/^[\w-]+: /, '').replace(/ \S+ \(err/, ' … (err');
  reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
}
for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]))
  console.log(`${String(n).padStart(6)} refused: ${reason}`);
for (const [n, m] of crashed) console.log(`ERROR ${n}: ${m}`);
process.exitCode = crashed.size ? 1 : 0;
