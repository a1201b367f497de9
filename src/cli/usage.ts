// Every command of klp-lab, its arguments and its options, in one table: the parser
// (src/cli/args.ts), `--help`, `klp-lab help CMD` and the usage printed after a bad option all
// read it, so an option exists, is described and is parsed in one place.
// Kept free of imports beyond the kernel list: `--help` must not load the emulator.
import { KERNEL_IDS } from '../engine/kernels.ts';

export interface OptionSpec {
  /** The long name, without `--`. */
  name: string;
  /** Placeholder of the value (`ADDR`); absent for a flag. */
  value?: string;
  /** May be given more than once (values kept in order). */
  multiple?: boolean;
  /** The only values accepted, if the set is fixed. */
  choices?: readonly string[];
  help: string;
}

export interface CommandSpec {
  name: string;
  /** What follows `klp-lab NAME` in the synopsis: positionals and the options that must be given. */
  args: string;
  /** How many positionals: at least `min`, at most `max` (undefined: no limit). */
  positionals: { min: number; max?: number; what: string };
  summary: string;
  options: OptionSpec[];
}

const kernel: OptionSpec = {
  name: 'kernel',
  value: 'ID',
  choices: KERNEL_IDS,
  help: `kernel profile: ${KERNEL_IDS.map((k) => (k === '6.1' ? '6.1 (default)' : k)).join(', ')}`,
};
const kallsyms: OptionSpec = {
  name: 'kallsyms',
  value: 'FILE',
  multiple: true,
  help: "lines of /proc/kallsyms: vmlinux symbols, and `[mod]` lines of modules taken as loaded; lines of ftrace's available_filter_functions_addrs place vmlinux's call sites (default: the kernel's shipped vmlinux table)",
};
const kernelOfRun: OptionSpec = {
  name: 'kernel',
  value: 'ID',
  choices: KERNEL_IDS,
  help: `run every strategy on this kernel profile instead of its own (${KERNEL_IDS.join(', ')}); the default modules and vmlinux table are that kernel's`,
};
const exportsOpt: OptionSpec = {
  name: 'exports',
  value: 'MODE',
  choices: ['ksymtab', 'globals'],
  help: 'a vmlinux export is a symbol with a __ksymtab_ line (ksymtab) or any global (globals); default: ksymtab for a whole dump, globals for a partial one',
};
const fake: OptionSpec = {
  name: 'fake-missing-symbols',
  help: 'give symbols no kallsyms line provides an invented address instead of refusing the module',
};
const percpuBase: OptionSpec = {
  name: 'percpu-base',
  value: 'ADDR',
  help: 'start of the per-cpu reserved chunk: the (first) module with per-cpu data gets its area there',
};
const json: OptionSpec = { name: 'json', help: 'print JSON instead of text' };
const format: OptionSpec = {
  name: 'format',
  value: 'FMT',
  choices: ['ascii', 'json'],
  help: 'ascii (default) or json',
};
const step: OptionSpec = { name: 'step', value: 'N', help: 'print step N only, in full' };
const roleModules: OptionSpec[] = [
  {
    name: 'patch',
    value: 'P.ko',
    help: "the livepatch module (default: the samples built for the run's kernel, every role)",
  },
  { name: 'target', value: 'T.ko', help: 'the module it patches' },
  { name: 'target2', value: 'T2.ko', help: 'a second target (two-targets)' },
  { name: 'replace', value: 'R.ko', help: 'the replacing livepatch (atomic-replace)' },
  { name: 'kallsyms', value: 'FILE', help: "vmlinux kallsyms lines (default: the run's kernel's shipped table)" },
];

export const commands: CommandSpec[] = [
  {
    name: 'layout',
    args: 'FILE.ko',
    positionals: { min: 1, max: 1, what: 'FILE.ko' },
    summary: 'Where the loader puts each section; the page permissions after init.',
    options: [kernel, json],
  },
  {
    name: 'load',
    args: 'FILE.ko',
    positionals: { min: 1, max: 1, what: 'FILE.ko' },
    summary: 'Load one module; print where it went and its relocations; write its image.',
    options: [
      kernel,
      {
        name: 'base',
        value: 'ADDR',
        help: 'core region base (hex), e.g. where a real load put it; 6.4+: MOD_TEXT=ADDR,MOD_DATA=ADDR,... per allocation, or one ADDR: every allocation from there as the allocator places a lone module',
      },
      { name: 'init-base', value: 'ADDR', help: 'init region base (6.1-style layouts)' },
      percpuBase,
      kallsyms,
      exportsOpt,
      fake,
      { name: 'image', value: 'OUT.bin', help: 'write the core region as it ends up in memory (6.4+: OUT.bin.MOD_*)' },
      json,
    ],
  },
  {
    name: 'trace',
    args: 'FILE.ko ...',
    // FILE.ko ... are required without --recording (traceCommand says so)
    positionals: { min: 0, what: 'FILE.ko' },
    summary: 'Load the modules in order; print every step the emulated kernel took (or a real one: --recording).',
    options: [
      {
        name: 'recording',
        value: 'FILE',
        help: 'a capture/klp-capture recording: print it as a trace; with the .ko files it loaded, the emulation on the closest kernel profile (or --kernel) and the divergences',
      },
      kernel,
      {
        name: 'base',
        value: 'ADDR',
        multiple: true,
        help: "core region base (6.4+: TYPE=ADDR,... or one ADDR, as for load); the Nth --base is the Nth module's",
      },
      { name: 'init-base', value: 'ADDR', multiple: true, help: "init region base; the Nth is the Nth module's" },
      percpuBase,
      kallsyms,
      exportsOpt,
      fake,
      format,
      step,
    ],
  },
  {
    name: 'klp-convert',
    args: '--kallsyms FILE IN.ko OUT.ko',
    positionals: { min: 2, max: 2, what: 'IN.ko OUT.ko' },
    summary: 'Rewrite a kbuild-built livepatch module into livepatch ELF (.klp.rela/.klp.sym).',
    options: [
      {
        name: 'kallsyms',
        value: 'FILE',
        help: 'vmlinux kallsyms lines the patched symbols are looked up in (required)',
      },
      { name: 'module', value: 'T.ko', multiple: true, help: 'a target module whose symbols may be patched' },
      { name: 'symvers', value: 'FILE', help: 'Module.symvers: symbols exported, left to the loader' },
    ],
  },
  {
    name: 'scenario',
    args: '--strategy ID --scenario ID',
    positionals: { min: 0, max: 0, what: '' },
    summary: 'One livepatch design through one scenario, step by step.',
    options: [
      { name: 'strategy', value: 'ID', help: 'the design (default text-poke)' },
      { name: 'scenario', value: 'ID', help: 'the story (default late-load)' },
      kernelOfRun,
      ...roleModules,
      format,
      step,
    ],
  },
  {
    name: 'compare',
    args: '--scenario ID',
    positionals: { min: 0, max: 0, what: '' },
    summary: 'Every design through one scenario: their metrics side by side.',
    options: [
      { name: 'scenario', value: 'ID', help: 'the story (default late-load)' },
      kernelOfRun,
      ...roleModules,
      json,
    ],
  },
];

const help: OptionSpec = { name: 'help', help: 'print this usage and exit' };

export const commandByName = (name: string): CommandSpec | undefined => commands.find((c) => c.name === name);

/** The synopsis' words: arguments, then each option as one unit (never cut across lines). */
const synopsis = (c: CommandSpec) => [
  ...c.args.split(/ (?=[A-Z-])/),
  ...c.options
    .filter((o) => !c.args.includes(`--${o.name} `))
    .map((o) => {
      const value = o.choices && o.choices.length <= 3 ? o.choices.join('|') : o.value;
      return `[--${o.name}${value ? ` ${value}` : ''}${o.multiple ? ' ...' : ''}]`;
    }),
];

/** `klp-lab help` / `klp-lab --help`: one synopsis per command. */
export function mainUsage(): string {
  const lines = ['usage: klp-lab COMMAND ARGS [OPTIONS]', ''];
  for (const c of commands) lines.push(`  klp-lab ${c.name} ${c.args}`, `      ${c.summary}`);
  lines.push('', 'klp-lab help COMMAND (or klp-lab COMMAND --help) describes its options.');
  lines.push("Exit status: 0 done, 1 refused (the kernel's message is the last line on stderr),");
  lines.push('2 a bad command line.');
  return lines.join('\n');
}

/** `prefix` then `words`, in lines of at most `width` columns, the next ones indented. */
function wrap(prefix: string, words: string[], indent: number, width = 79): string[] {
  const lines: string[] = [];
  let line = prefix;
  let n = 0;
  for (const word of words) {
    if (n && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(indent);
      n = 0;
    }
    line += (n || (line.trim() && !line.endsWith(' ')) ? ' ' : '') + word;
    n++;
  }
  lines.push(line);
  return lines;
}

/** The synopsis of one command: what follows an error in its arguments. */
export function commandSynopsis(c: CommandSpec): string {
  return wrap(`usage: klp-lab ${c.name}`, synopsis(c), 8).join('\n');
}

/** `klp-lab CMD --help`: the synopsis, what the command does, then each option. */
export function commandUsage(c: CommandSpec): string {
  const lines = [commandSynopsis(c), c.summary, '', 'options:'];
  for (const o of [...c.options, help]) {
    const head = `  --${o.name}${o.value ? ` ${o.value}` : ''}${o.name === 'help' ? ', -h' : ''}`;
    if (head.length < 24) lines.push(...wrap(head.padEnd(24), o.help.split(' '), 24));
    else lines.push(head, ...wrap(' '.repeat(24), o.help.split(' '), 24));
  }
  return lines.join('\n');
}
