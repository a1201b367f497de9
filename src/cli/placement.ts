// Where load and trace put each module: `--base`, `--init-base` and `--percpu-base`, so that a
// replay writes the bytes a real load wrote (relocations, alternatives, static calls and the
// rest depend on the addresses). A 6.1-style module has two regions (core, init); a kernel with
// one allocation per MOD_* type (6.4+) takes `--base MOD_TEXT=ADDR,MOD_DATA=ADDR,…` (those
// allocations there, the others where the allocator puts them), or one `--base ADDR`: every
// allocation from ADDR on, in MOD_* order, each after the previous one's guard page — where the
// real allocator puts a lone module whose first free address is ADDR.
import type { LoadOptions } from '../kernel/module/main.ts';
import { MOD_MEM_TYPES, type ModMemType } from '../kernel/module/types.ts';
import type { KernelProfile } from '../kernel/profile.ts';
import { type ParsedArgs, parseAddress, UsageError } from './args.ts';

export interface Placement {
  /** Per insmod, in order; a module past the end is placed by the emulated allocator. */
  loads: LoadOptions[];
  /** Start of the per-cpu reserved chunk (KernelOptions.percpuBase). */
  percpuBase?: bigint;
}

/** `NAME=ADDR,NAME=ADDR`: one base per allocation type, or undefined for a single address. */
function perAllocationBases(value: string): Partial<Record<ModMemType, bigint>> | undefined {
  if (!value.includes('=')) return undefined;
  const out: Partial<Record<ModMemType, bigint>> = {};
  for (const part of value.split(',')) {
    const [name, addr] = part.split('=');
    const type = MOD_MEM_TYPES.find((t) => t === name);
    if (!type || addr === undefined || out[type] !== undefined)
      throw new UsageError(`--base ${value}: TYPE=ADDR,TYPE=ADDR,... with TYPE one of ${MOD_MEM_TYPES.join(', ')}`);
    out[type] = parseAddress('base', addr);
  }
  return out;
}

/** The --base of one module, as the profile's loader takes it. */
function baseOption(profile: KernelProfile, value: string): LoadOptions {
  const perType = perAllocationBases(value);
  if (!profile.moduleMemory) {
    if (perType)
      throw new UsageError(
        `--base ${value}: kernel ${profile.id} has a core and an init region, not MOD_* allocations`,
      );
    return { coreBase: parseAddress('base', value) };
  }
  return perType ? { memBase: perType } : { memStart: parseAddress('base', value) };
}

/** The placement options of `count` modules (the Nth --base / --init-base for the Nth module). */
export function placement(args: ParsedArgs, count: number, profile: KernelProfile): Placement {
  const core = args.strings('base').map((v) => baseOption(profile, v));
  const init = args.strings('init-base').map((v) => {
    if (profile.moduleMemory)
      throw new UsageError(`--init-base ${v}: kernel ${profile.id} has no init region (--base MOD_INIT_TEXT=ADDR,…)`);
    return parseAddress('init-base', v);
  });
  for (const [option, list] of [
    ['base', core],
    ['init-base', init],
  ] as const)
    if (list.length > count)
      throw new UsageError(`--${option} given ${list.length} times for ${count} module${count === 1 ? '' : 's'}`);
  const loads: LoadOptions[] = [];
  for (let i = 0; i < Math.max(core.length, init.length); i++)
    loads.push({ ...core[i], ...(init[i] === undefined ? {} : { initBase: init[i] }) });
  const percpuBase = args.address('percpu-base');
  return percpuBase === undefined ? { loads } : { loads, percpuBase };
}
