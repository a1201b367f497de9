// klp-lab layout FILE.ko [--kernel 5.4|6.1] [--json]: where the loader puts each section and
// what the core pages allow after init. Symbols no table resolves are invented: layout does
// not depend on them.
import { layoutReport } from '../kernel/module/layout_report.ts';
import { load_module } from '../kernel/module/main.ts';
import type { ParsedArgs } from './args.ts';
import { CliError, readModule } from './io.ts';
import { makeKernel } from './kernel_options.ts';
import { say, sayJson, sayLines } from './output.ts';

export async function layoutCommand(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0]!;
  const k = makeKernel(args, { recordWrites: false, fakeMissingSymbols: true });
  const { bytes, elf } = await readModule(file);
  const result = load_module(k, bytes, elf);
  if (!result.module || !result.ok)
    throw new CliError(result.error?.message || `${elf.fileName}: ${result.error?.errnoName}`);
  const report = layoutReport(k, result.module);
  if (args.flag('json')) {
    sayJson(JSON.stringify(report, null, 2));
    return 0;
  }
  say(`${report.name}: coresize ${report.coresize}, initsize ${report.initsize} (kernel ${k.profile.version})`);
  const key = (s: (typeof report.sections)[string]) => s.type ?? s.region;
  const rows = Object.entries(report.sections).sort((a, b) =>
    key(a[1]) === key(b[1])
      ? a[1].offset - b[1].offset
      : (a[1].region === b[1].region ? key(a[1]) < key(b[1]) : a[1].region === 'core')
        ? -1
        : 1,
  );
  for (const [name, s] of rows)
    say(`  ${(s.type ?? s.region).padEnd(17)} +0x${s.offset.toString(16).padStart(6, '0')}  ${name}`);
  const ranges = (perms: typeof report.perms) =>
    perms.map(
      (p) => `  +0x${p.from.toString(16).padStart(6, '0')}..+0x${p.to.toString(16).padStart(6, '0')}  ${p.perm}`,
    );
  if (report.allocations)
    for (const a of report.allocations) sayLines([`${a.type} (${a.size} bytes) after init:`, ...ranges(a.perms)]);
  else sayLines(['core pages after init:', ...ranges(report.perms)]);
  return 0;
}
