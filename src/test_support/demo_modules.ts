// The demo modules (src/scenarios/demo_roles.ts) as the core's tests and benchmarks read them from
// public/samples/ (Node only), decoded, one per scenario role; and the built-in vmlinux kallsyms table.
import { readFileSync } from 'node:fs';
import type { KernelChoice } from '../engine/kernels.ts';
import type { ModuleFile } from '../engine/modules.ts';
import type { RoleModules } from '../engine/request.ts';
import { type KallsymsEntry, parseKallsyms } from '../kernel/kallsyms.ts';
import { decodeModule } from '../module_file.ts';
import { demoRoleFiles } from '../scenarios/demo_roles.ts';
import { ROLES } from '../scenarios/scenarios.ts';

const builtins = new URL('../../public/samples/', import.meta.url);

/** The demo modules of one build: the 6.1 one (public/samples/klp/) unless told. */
export async function demoModules(folder: KernelChoice['samples'] = 'klp'): Promise<RoleModules<ModuleFile>> {
  const mods: RoleModules<ModuleFile> = {};
  for (const role of ROLES) {
    const file = demoRoleFiles(folder)[role];
    const name = file.split('/').at(-1)!;
    const d = await decodeModule(new Uint8Array(readFileSync(new URL(file, builtins))), name);
    if (!d.ok) throw new Error(d.error.message);
    mods[role] = { fileName: name, bytes: d.bytes, elf: d.module.elf };
  }
  return mods;
}

/** A shipped vmlinux table: the 6.1 one unless told. */
export function builtinVmlinux(file: KernelChoice['kallsyms'] = 'vmlinux.kallsyms'): KallsymsEntry[] {
  return parseKallsyms(readFileSync(new URL(file, builtins), 'utf8')).filter((e) => !e.module);
}
