// klp-convert for the command line: rewrite a kbuild-built livepatch module into livepatch ELF.
//   npx tsx scripts/klp-convert.ts --kallsyms vmlinux.kallsyms [--module TARGET.ko ...]
//        [--symvers Module.symvers] IN.ko OUT.ko
// --kallsyms: /proc/kallsyms of the target kernel (vmlinux lines are used);
// --module: each target module the patch refers to; --symvers: extra exported names.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openModule } from '../src/module_file.ts';
import { klpConvert } from '../src/klp_convert/convert.ts';
import { moduleSymbolSource, vmlinuxFromKallsyms } from '../src/klp_convert/symbol_sources.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kallsyms: { type: 'string' },
    module: { type: 'string', multiple: true, default: [] },
    symvers: { type: 'string' },
  },
});
const [input, output] = positionals;
if (!input || !output || !values.kallsyms) {
  console.error('usage: klp-convert.ts --kallsyms FILE [--module T.ko ...] [--symvers Module.symvers] IN.ko OUT.ko');
  process.exit(2);
}

async function open(path: string) {
  const bytes = new Uint8Array(readFileSync(path));
  const r = await openModule(bytes, path.split('/').at(-1)!);
  if (!r.ok) throw new Error(`${path}: ${r.error.message}`);
  return { bytes, elf: r.module.elf };
}

const sources = [vmlinuxFromKallsyms(readFileSync(values.kallsyms, 'utf8'))];
for (const m of values.module) sources.push(moduleSymbolSource((await open(m)).elf));
const exported = values.symvers
  ? readFileSync(values.symvers, 'utf8').split('\n').map((l) => l.split('\t')[1]).filter((n): n is string => !!n)
  : [];

const patch = await open(input);
const result = klpConvert(patch.bytes, patch.elf, { sources, exported });
if (!result.ok) {
  console.error(`klp-convert: ${input}: ${result.error}`);
  process.exit(1);
}
writeFileSync(output, result.bytes);
for (const s of result.symbols) console.log(`${s.name} -> ${s.klpName}`);
for (const s of result.klpSections) console.log(`section ${s}`);
