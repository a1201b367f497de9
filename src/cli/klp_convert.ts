// klp-lab klp-convert --kallsyms FILE [--module T.ko …] [--symvers Module.symvers] IN.ko OUT.ko:
// rewrite a kbuild-built livepatch module into livepatch ELF (src/klp_convert/).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { klpConvert } from '../klp_convert/convert.ts';
import { moduleSymbolSource, vmlinuxFromKallsyms } from '../klp_convert/symbol_sources.ts';
import { CliError, readModule } from './io.ts';

export async function klpConvertCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kallsyms: { type: 'string' },
      module: { type: 'string', multiple: true, default: [] },
      symvers: { type: 'string' },
    },
  });
  const [input, output] = positionals;
  if (!input || !output || !values.kallsyms)
    throw new CliError(
      'usage: klp-lab klp-convert --kallsyms FILE [--module T.ko ...] [--symvers Module.symvers] IN.ko OUT.ko',
    );
  const sources = [vmlinuxFromKallsyms(readFileSync(values.kallsyms, 'utf8'))];
  for (const m of values.module) sources.push(moduleSymbolSource((await readModule(m)).elf));
  const exported = values.symvers
    ? readFileSync(values.symvers, 'utf8')
        .split('\n')
        .map((l) => l.split('\t')[1])
        .filter((n): n is string => !!n)
    : [];
  const patch = await readModule(input);
  const result = klpConvert(patch.bytes, patch.elf, { sources, exported });
  if (!result.ok) throw new CliError(`klp-convert: ${input}: ${result.error}`);
  writeFileSync(output, result.bytes);
  for (const s of result.symbols) console.log(`${s.name} -> ${s.klpName}`);
  for (const s of result.klpSections) console.log(`section ${s}`);
  return 0;
}
