// Where load and trace put each module: `--base`, `--init-base` and `--percpu-base`, so that a
// replay writes the bytes a real load wrote (relocations, alternatives, static calls and the
// rest depend on the addresses). A 6.1-style module has two regions (core, init); a kernel with
// one allocation per MOD_* type (6.4+) will take `--base MOD_TEXT=ADDR,MOD_DATA=ADDR,…`, read
// here by perAllocationBases() and refused until the loader can place those allocations.
import type { LoadOptions } from '../kernel/module/main.ts';
import { type ParsedArgs, parseAddress, UsageError } from './args.ts';

export interface Placement {
  /** Per insmod, in order; a module past the end is placed by the emulated allocator. */
  loads: LoadOptions[];
  /** Start of the per-cpu reserved chunk (KernelOptions.percpuBase). */
  percpuBase?: bigint;
}

/** `NAME=ADDR,NAME=ADDR`: one base per allocation type, or undefined for a single address. */
function perAllocationBases(value: string): Map<string, bigint> | undefined {
  if (!value.includes('=')) return undefined;
  const out = new Map<string, bigint>();
  for (const part of value.split(',')) {
    const [name, addr] = part.split('=');
    if (!name || addr === undefined || out.has(name)) throw new UsageError(`--base ${value}: NAME=ADDR,NAME=ADDR,...`);
    out.set(name, parseAddress('base', addr));
  }
  return out;
}

function bases(args: ParsedArgs, option: 'base' | 'init-base'): bigint[] {
  return args.strings(option).map((value) => {
    if (perAllocationBases(value))
      throw new UsageError(`--${option} ${value}: per-allocation bases are not supported by this kernel profile`);
    return parseAddress(option, value);
  });
}

/** The placement options of `count` modules (the Nth --base / --init-base for the Nth module). */
export function placement(args: ParsedArgs, count: number): Placement {
  const core = bases(args, 'base');
  const init = bases(args, 'init-base');
  for (const [option, list] of [
    ['base', core],
    ['init-base', init],
  ] as const)
    if (list.length > count)
      throw new UsageError(`--${option} given ${list.length} times for ${count} module${count === 1 ? '' : 's'}`);
  const loads: LoadOptions[] = [];
  for (let i = 0; i < Math.max(core.length, init.length); i++)
    loads.push({
      ...(core[i] === undefined ? {} : { coreBase: core[i] }),
      ...(init[i] === undefined ? {} : { initBase: init[i] }),
    });
  const percpuBase = args.address('percpu-base');
  return percpuBase === undefined ? { loads } : { loads, percpuBase };
}
