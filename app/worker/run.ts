// Runs a request in the worker: maps the handles it names to the files the worker keeps (each
// decoded once, then cached), and leaves everything else to the core's runner. What the kernel
// did is decided there, by the core, never here or by a view.

import type { ElfObject } from '../../src/elf/types.ts';
import type { ModuleLookup } from '../../src/engine/modules.ts';
import { type RunResult, run } from '../../src/engine/run.ts';
import type { KallsymsEntry } from '../../src/kernel/kallsyms.ts';
import type { KernelId } from '../../src/kernel/profile.ts';
import { decodeModule } from '../../src/module_file.ts';
import type { WorkerRequest } from './protocol.ts';

export interface KeptFile {
  bytes: Uint8Array;
  fileName: string;
}

export interface DecodedCache {
  get(handle: number): { bytes: Uint8Array; elf: ElfObject } | undefined;
  set(handle: number, value: { bytes: Uint8Array; elf: ElfObject }): void;
}

/** The tables the worker was sent: the default vmlinux and modules, and the kernels' own vmlinux tables. */
export interface WorkerKallsyms {
  vmlinux: KallsymsEntry[];
  modules: KallsymsEntry[];
  vmlinuxOf: Partial<Record<KernelId, KallsymsEntry[]>>;
}

export function runRequest(
  request: WorkerRequest,
  kallsyms: WorkerKallsyms,
  files: (handle: number) => KeptFile | undefined,
  cache: DecodedCache,
): Promise<RunResult> {
  return run(request, (handle: number) => moduleOf(handle, files, cache), {
    vmlinux: kallsyms.vmlinux,
    vmlinuxOf: kallsyms.vmlinuxOf,
    moduleSymbols: kallsyms.modules,
  });
}

async function moduleOf(
  handle: number,
  files: (handle: number) => KeptFile | undefined,
  cache: DecodedCache,
): Promise<ModuleLookup> {
  const file = files(handle);
  if (!file) return { ok: false, closed: true, name: `(handle ${handle})`, message: 'the file is no longer open' };
  let decoded = cache.get(handle);
  if (!decoded) {
    const r = await decodeModule(file.bytes, file.fileName);
    if (!r.ok) return { ok: false, closed: false, name: file.fileName, message: r.error.message || r.error.errnoName };
    decoded = { bytes: r.bytes, elf: r.module.elf };
    cache.set(handle, decoded);
  }
  return { ok: true, module: { fileName: file.fileName, ...decoded } };
}
