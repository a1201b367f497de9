// A command line read against its command's table (src/cli/usage.ts). Anything the table does
// not allow is a UsageError: one line naming the option and what is wrong with it, which
// main.ts prints before the command's usage and exits 2 with.
import type { CommandSpec, OptionSpec } from './usage.ts';

export class UsageError extends Error {}

export class ParsedArgs {
  constructor(
    readonly spec: CommandSpec,
    private readonly values: Map<string, string[] | true>,
    readonly positionals: string[],
    /** `--help` or `-h` was given: print the usage, run nothing. */
    readonly help: boolean,
  ) {}

  /** The value of a single-valued option (the last one, if given twice). */
  string(name: string): string | undefined {
    const v = this.values.get(name);
    return Array.isArray(v) ? v.at(-1) : undefined;
  }

  /** Every value of an option, in the order given. */
  strings(name: string): string[] {
    const v = this.values.get(name);
    return Array.isArray(v) ? v : [];
  }

  flag(name: string): boolean {
    return this.values.get(name) === true;
  }

  /** A hexadecimal address (`0x` optional), as the kernel prints them. */
  address(name: string): bigint | undefined {
    const s = this.string(name);
    return s === undefined ? undefined : parseAddress(name, s);
  }

  addresses(name: string): bigint[] {
    return this.strings(name).map((s) => parseAddress(name, s));
  }

  /** `--step N`: a step index. */
  step(): number | undefined {
    const s = this.string('step');
    if (s === undefined) return undefined;
    if (!/^\d{1,9}$/.test(s)) throw new UsageError(`--step ${s}: not a step number (0, 1, 2, ...)`);
    return Number(s);
  }
}

export function parseAddress(option: string, s: string): bigint {
  if (!/^(0x)?[0-9a-fA-F]{1,16}$/.test(s)) throw new UsageError(`--${option} ${s}: not a hexadecimal address`);
  return BigInt(s.startsWith('0x') ? s : `0x${s}`);
}

export function parseCommandLine(spec: CommandSpec, args: string[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>(spec.options.map((o) => [o.name, o]));
  const values = new Map<string, string[] | true>();
  const positionals: string[] = [];
  // asking for help is never an error, whatever else the line holds
  const end = args.indexOf('--');
  if (args.slice(0, end < 0 ? undefined : end).some((a) => a === '-h' || a === '--help'))
    return new ParsedArgs(spec, values, positionals, true);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : '';
    const o = byName.get(name);
    if (!o) throw new UsageError(`unknown option ${eq < 0 ? arg : arg.slice(0, eq)}`);
    if (!o.value) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      values.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) value = args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value (${o.value})`);
    if (o.choices && !o.choices.includes(value))
      throw new UsageError(`--${name} ${value}: not one of ${o.choices.join(', ')}`);
    const list = values.get(name);
    values.set(name, o.multiple && Array.isArray(list) ? [...list, value] : [value]);
  }
  const { min, max, what } = spec.positionals;
  if (positionals.length < min) throw new UsageError(`missing ${what.split(' ')[positionals.length] ?? what}`);
  if (max !== undefined && positionals.length > max) throw new UsageError(`unexpected argument ${positionals[max]}`);
  return new ParsedArgs(spec, values, positionals, false);
}
