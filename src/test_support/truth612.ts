// The real Linux 6.12.118 captures of truth/v6.12/ (klp-oracle runs of Debian's
// linux-image-6.12.118+deb12-amd64 under QEMU TCG, nokaslr, one CPU), as the tests that hold
// the 6.12 profile to them read them: each run's result.json, its snap images, the shipped 6.12
// vmlinux table and the 6.12-built samples.
import { readFileSync } from 'node:fs';
import { parseKallsyms } from '../kernel/kallsyms.ts';
import { decodeModule } from '../module_file.ts';

const root = new URL('../../', import.meta.url);
const truth = new URL('truth/v6.12/', root);

export type Perm = 'r-x' | 'r--' | 'rw-';

/** One `MOD_*` allocation of a module as the capture records it (init ones are freed and inferred). */
export interface RealMem {
  base: string;
  size: number;
  perm: Perm;
  image?: { file: string; sha256: string };
  page_perms?: Array<{ offset_start: number; offset_end: number; perm: Perm }>;
  freed?: boolean;
}

export interface RealModule {
  coresize: number;
  initsize: number;
  refcnt: number;
  mem: Record<string, RealMem | number>;
  sections: Record<string, { mem_type: string; offset: number; elf: { size: number } }>;
}

export interface RealSnap {
  label: string;
  dir: string;
  modules: Record<string, RealModule>;
  ftrace_trampolines: Array<[string, string, string]>;
  livepatch_sysfs?: Record<string, string | null>;
}

export interface RealStep {
  index: number;
  cmd: string;
  verb: string;
  rc: number;
  output?: string;
  dmesg: string[];
  errno: { name: string } | null;
  peek?: { addr: string; len: number; hex: string; target: string };
  snap?: RealSnap;
  module?: { name: string };
}

export interface RealRun {
  steps: RealStep[];
  kernel: { cpu_flags: string; kver: string };
}

/** truth/v6.12/RUN/result.json */
export const realRun = (run: string): RealRun => JSON.parse(readFileSync(new URL(`${run}/result.json`, truth), 'utf8'));

/** A memory image of a snap (`snaps/NNN-LABEL/mem/vm-<base>.bin`, as the allocation's `image.file` names it). */
export const realImage = (run: string, file: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`${run}/${file}`, truth)));

/** A `.ko` of truth/v6.12/RUN/ko/ (debian-13, debian-pvops). */
export const debianKo = (run: string, name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`${run}/ko/${name}.ko`, truth)));

/** The shipped 6.12 vmlinux table (truth/v6.12/vmlinux-kallsyms, nokaslr). */
export const vmlinux612 = parseKallsyms(
  readFileSync(new URL('public/samples/vmlinux-6.12.kallsyms', root), 'utf8'),
).filter((e) => !e.module);

/** A 6.12-built sample of public/samples/klp-6.12/, decoded as finit_module() would get it. */
export async function sample612(name: string) {
  const file = `${name.replace(/\.ko$/, '')}.ko`;
  const d = await decodeModule(new Uint8Array(readFileSync(new URL(`public/samples/klp-6.12/${file}`, root))), file);
  if (!d.ok) throw new Error(d.error.message);
  return d;
}

/** A kernel log line without its timestamp. */
export const dmesgText = (line: string) => line.replace(/^\[\s*\d+\.\d+\] /, '');
