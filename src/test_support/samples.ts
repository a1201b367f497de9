// The built-in samples as the core's tests and benchmarks load them from public/samples/ (Node
// only): each scenario role's module decoded, and the shipped vmlinux kallsyms table.
import { readFileSync } from 'node:fs';
import type { ModuleFile } from '../engine/modules.ts';
import type { RoleModules } from '../engine/request.ts';
import { type KallsymsEntry, parseKallsyms } from '../kernel/kallsyms.ts';
import { decodeModule } from '../module_file.ts';
import { sampleFiles } from '../scenarios/samples.ts';
import { ROLES } from '../scenarios/scenarios.ts';

const samples = new URL('../../public/samples/', import.meta.url);

export async function sampleModules(): Promise<RoleModules<ModuleFile>> {
  const mods: RoleModules<ModuleFile> = {};
  for (const role of ROLES) {
    const file = sampleFiles[role];
    const name = file.split('/').at(-1)!;
    const d = await decodeModule(new Uint8Array(readFileSync(new URL(file, samples))), name);
    if (!d.ok) throw new Error(d.error.message);
    mods[role] = { fileName: name, bytes: d.bytes, elf: d.module.elf };
  }
  return mods;
}

export function sampleVmlinux(): KallsymsEntry[] {
  return parseKallsyms(readFileSync(new URL('vmlinux.kallsyms', samples), 'utf8')).filter((e) => !e.module);
}
