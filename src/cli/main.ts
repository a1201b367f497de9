// klp-lab on the command line; `klp-lab help` lists the commands, src/cli/usage.ts has them all.
// Exit status: 0 done; 1 a refusal (the kernel's message is the last line on stderr) or a file
// that cannot be read; 2 a bad command line (one line naming the option, then the usage).
// Each command's module is imported only when it runs: `load` does not evaluate the scenarios,
// the strategies or klp-convert, and `--help` loads nothing but the table.
import { type ParsedArgs, parseCommandLine, UsageError } from './args.ts';
import { CliError } from './io.ts';
import { warn } from './output.ts';
import { type CommandSpec, commandByName, commandSynopsis, commandUsage, mainUsage } from './usage.ts';

type Command = (args: ParsedArgs) => Promise<number>;

const load: Record<string, () => Promise<Command>> = {
  layout: async () => (await import('./layout.ts')).layoutCommand,
  load: async () => (await import('./load.ts')).loadCommand,
  trace: async () => (await import('./trace.ts')).traceCommand,
  'klp-convert': async () => (await import('./klp_convert.ts')).klpConvertCommand,
  scenario: async () => (await import('./scenario.ts')).scenarioCommand,
  compare: async () => (await import('./scenario.ts')).compareCommand,
};

function usageError(where: string, message: string, usage: string): number {
  warn(`${where}: ${message}`);
  process.stderr.write(`${usage}\n`);
  return 2;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) return usageError('klp-lab', 'which command?', mainUsage());
  if (command === '--help' || command === '-h' || (command === 'help' && !args.length)) {
    process.stdout.write(`${mainUsage()}\n`);
    return 0;
  }
  if (command === 'help') {
    const spec = commandByName(args[0]!);
    if (!spec || args.length > 1)
      return usageError('klp-lab help', `unknown command ${args.slice(0, 2).join(' ')}`, mainUsage());
    process.stdout.write(`${commandUsage(spec)}\n`);
    return 0;
  }
  const spec: CommandSpec | undefined = commandByName(command);
  if (!spec) return usageError('klp-lab', `unknown command ${command}`, mainUsage());
  try {
    const parsed = parseCommandLine(spec, args);
    if (parsed.help) {
      process.stdout.write(`${commandUsage(spec)}\n`);
      return 0;
    }
    return await (await load[spec.name]!())(parsed);
  } catch (e) {
    if (e instanceof UsageError)
      return usageError(
        `klp-lab ${spec.name}`,
        e.message,
        `${commandSynopsis(spec)}\n(klp-lab ${spec.name} --help describes each option)`,
      );
    if (e instanceof CliError) {
      warn(e.message);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await run(process.argv.slice(2));
