// The real 6.1 capture of 12 Debian modules (truth/v6.1/debian-43/), and a way to replay any
// of them in the emulator at the base the real kernel chose, against the real kallsyms.
import { existsSync, readFileSync } from 'node:fs';
import type { ElfObject } from '../elf/types.ts';
import { parseKallsyms } from '../kernel/kallsyms.ts';
import { Kernel } from '../kernel/kernel.ts';
import { type LoadResult, load_module } from '../kernel/module/main.ts';
import { openModule } from '../module_file.ts';

const dir = new URL('../../truth/v6.1/debian-43/', import.meta.url);
const fixtures = new URL('../elf/__fixtures__/debian/', import.meta.url);

export interface OracleSection {
  addr: string;
  region: 'core' | 'init';
  offset: number;
}

export interface OracleModule {
  name: string;
  ko_file: string;
  coresize: number;
  core_base: string;
  sections: Record<string, OracleSection>;
  page_perms: Array<{ perm: 'r-x' | 'r--' | 'rw-'; pages: number; offset_start: number; offset_end: number }>;
}

export const oracleTruth: { modules: Record<string, OracleModule>; kernel: { cpu_flags: string[] } } = JSON.parse(
  readFileSync(new URL('truth-subset.json', dir), 'utf8'),
);

export const oracleModuleNames = Object.keys(oracleTruth.modules);

export function oracleKo(file: string): Uint8Array {
  const local = new URL(file, fixtures);
  return new Uint8Array(readFileSync(existsSync(local) ? local : new URL(`ko/${file}`, dir)));
}

export function oracleImage(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`mem/${name}.bin`, dir)));
}

// The shipped default table: the capture's vmlinux symbols plus their real __ksymtab_ lines.
const vmlinux = parseKallsyms(readFileSync(new URL('../../public/samples/vmlinux.kallsyms', import.meta.url), 'utf8'));
const moduleSymbols = parseKallsyms(readFileSync(new URL('kallsyms/modules-subset.kallsyms', dir), 'utf8'));

/**
 * A fresh 6.1 kernel in which `name` is loaded at its real base, with vmlinux and the other
 * captured modules as real kallsyms; symbols of modules outside the capture (crc16 for ext4)
 * get invented addresses.
 */
export async function replayOracleModule(name: string): Promise<{ k: Kernel; elf: ElfObject; result: LoadResult }> {
  const t = oracleTruth.modules[name]!;
  const k = new Kernel({
    kernel: '6.1',
    vmlinux,
    fakeMissingSymbols: true,
    moduleSymbols: moduleSymbols.filter((m) => m.module !== name),
  });
  const bytes = oracleKo(t.ko_file);
  const opened = await openModule(bytes, t.ko_file);
  if (!opened.ok) throw new Error(opened.error.message);
  const result = load_module(k, bytes, opened.module.elf, { coreBase: BigInt(t.core_base) });
  return { k, elf: opened.module.elf, result };
}
