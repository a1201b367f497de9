// klp-lab on the command line:
//   klp-lab layout FILE.ko [--kernel 5.4|6.1|6.4] [--json]
//   klp-lab load FILE.ko [--kernel 6.1] [--base ADDR] [--kallsyms FILE …] [--image OUT.bin]
//                [--fake-missing-symbols] [--json]
//   klp-lab trace FILE.ko … [--kernel 6.1] [--format ascii|json] [--step N]
//   klp-lab klp-convert --kallsyms FILE [--module T.ko …] [--symvers Module.symvers] IN.ko OUT.ko
//   klp-lab scenario --strategy ID --scenario ID …   /   klp-lab compare --scenario ID
// A kernel-style refusal exits 1 with the kernel's message as the last line on stderr.
import { CliError } from './io.ts';
import { klpConvertCommand } from './klp_convert.ts';
import { layoutCommand } from './layout.ts';
import { loadCommand } from './load.ts';
import { compareCommand, scenarioCommand } from './scenario.ts';
import { traceCommand } from './trace.ts';

const usage = `usage:
  klp-lab layout FILE.ko [--kernel 5.4|6.1|6.4] [--json]
  klp-lab load FILE.ko [--kernel 5.4|6.1] [--base ADDR] [--kallsyms FILE ...] [--image OUT.bin] [--fake-missing-symbols] [--json]
  klp-lab trace FILE.ko ... [--kernel 5.4|6.1] [--kallsyms FILE ...] [--format ascii|json] [--step N]
  klp-lab klp-convert --kallsyms FILE [--module TARGET.ko ...] [--symvers Module.symvers] IN.ko OUT.ko
  klp-lab scenario --strategy ID --scenario ID [--patch P.ko --target T.ko ...] [--format ascii|json] [--step N]
  klp-lab compare --scenario ID [--patch P.ko --target T.ko ...] [--json]`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  layout: layoutCommand,
  load: loadCommand,
  trace: traceCommand,
  'klp-convert': klpConvertCommand,
  scenario: scenarioCommand,
  compare: compareCommand,
};

const [command, ...args] = process.argv.slice(2);
const run = command ? commands[command] : undefined;
if (!run) {
  console.error(usage);
  process.exit(2);
}
try {
  process.exitCode = await run(args);
} catch (e) {
  if (e instanceof CliError) {
    console.error(e.message);
    process.exitCode = 1;
  } else if (e instanceof TypeError && /parseArgs|option|argument/i.test(e.message)) {
    console.error(`${e.message}\n${usage}`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
