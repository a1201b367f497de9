// Writes the crafted invalid modules (src/test_support/craft.ts) and an oracle plan that
// insmods each, for recording what the real 6.1 kernel says:
//   npx tsx scripts/craft-invalid-modules.ts OUTDIR
//   klp-oracle --plan OUTDIR/plan.txt --modules OUTDIR --out RESULT   (the QEMU harness of truth/)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { craftInvalidModules, stripSignature } from '../src/test_support/craft.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: craft-invalid-modules.ts OUTDIR');
mkdirSync(out, { recursive: true });
const base = stripSignature(
  new Uint8Array(readFileSync(new URL('../src/elf/__fixtures__/debian/crc7.ko', import.meta.url))),
);
const plan = ['# elf_validity_check refusals, crafted from Debian crc7.ko (signature stripped)'];
for (const m of craftInvalidModules(base)) {
  writeFileSync(`${out}/${m.name}.ko`, m.bytes);
  plan.push(`insmod ${m.name}.ko`);
}
writeFileSync(`${out}/crc7-unsigned.ko`, base);
plan.push('insmod crc7-unsigned.ko', 'rmmod crc7');
writeFileSync(`${out}/plan.txt`, `${plan.join('\n')}\n`);
