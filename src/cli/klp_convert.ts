// klp-lab klp-convert --kallsyms FILE [--module T.ko …] [--symvers Module.symvers] IN.ko OUT.ko:
// rewrite a kbuild-built livepatch module into livepatch ELF (src/klp_convert/).
import { readFileSync, writeFileSync } from 'node:fs';
import { klpConvert } from '../klp_convert/convert.ts';
import { moduleSymbolSource, vmlinuxFromKallsyms } from '../klp_convert/symbol_sources.ts';
import { type ParsedArgs, UsageError } from './args.ts';
import { CliError, readModule } from './io.ts';
import { say } from './output.ts';

const readText = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file' : String(e)}`);
  }
};

export async function klpConvertCommand(args: ParsedArgs): Promise<number> {
  const [input, output] = args.positionals as [string, string];
  const kallsyms = args.string('kallsyms');
  if (!kallsyms) throw new UsageError('missing --kallsyms FILE');
  const symvers = args.string('symvers');
  const sources = [vmlinuxFromKallsyms(readText(kallsyms))];
  for (const m of args.strings('module')) sources.push(moduleSymbolSource((await readModule(m)).elf));
  const exported = symvers
    ? readText(symvers)
        .split('\n')
        .map((l) => l.split('\t')[1])
        .filter((n): n is string => !!n)
    : [];
  const patch = await readModule(input);
  const result = klpConvert(patch.bytes, patch.elf, { sources, exported });
  if (!result.ok) throw new CliError(`klp-convert: ${input}: ${result.error}`);
  writeFileSync(output, result.bytes);
  for (const s of result.symbols) say(`${s.name} -> ${s.klpName}`);
  for (const s of result.klpSections) say(`section ${s}`);
  return 0;
}
