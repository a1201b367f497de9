// Runs the emulated kernel over a sequence of insmod / rmmod in the worker. The UI only gets
// the Trace back: what the kernel did is decided here, by the core, never by a view.
import { Kernel } from '../../src/kernel/kernel.ts';
import type { KallsymsEntry } from '../../src/kernel/kallsyms.ts';
import { delete_module, load_module } from '../../src/kernel/module/main.ts';
import { decodeModule } from '../../src/module_file.ts';
import type { ElfObject } from '../../src/elf/types.ts';
import type { SequenceOutcome, SequenceReply, SequenceRequest } from './protocol.ts';

export interface KeptFile {
  bytes: Uint8Array;
  fileName: string;
}

export interface DecodedCache {
  get(handle: number): { bytes: Uint8Array; elf: ElfObject } | undefined;
  set(handle: number, value: { bytes: Uint8Array; elf: ElfObject }): void;
}

export async function runSequence(
  request: SequenceRequest,
  kallsyms: { vmlinux: KallsymsEntry[]; modules: KallsymsEntry[] },
  files: (handle: number) => KeptFile | undefined,
  cache: DecodedCache,
): Promise<SequenceReply> {
  const t0 = performance.now();
  const k = new Kernel({
    kernel: request.kernel,
    vmlinux: kallsyms.vmlinux,
    moduleSymbols: kallsyms.modules,
    fakeMissingSymbols: request.fakeMissingSymbols ?? false,
  });
  const outcomes: SequenceOutcome[] = [];
  for (const op of request.steps) {
    if (op.op === 'rmmod') {
      const err = delete_module(k, op.name);
      outcomes.push({ what: `rmmod ${op.name}`, ok: !err, ...(err ? { message: err.message || `rmmod: ERROR: Module ${op.name} is not currently loaded` } : {}) });
      if (err) break;
      continue;
    }
    const file = files(op.handle);
    if (!file) {
      outcomes.push({ what: `insmod (handle ${op.handle})`, ok: false, message: 'the file is no longer open' });
      break;
    }
    let decoded = cache.get(op.handle);
    if (!decoded) {
      const r = await decodeModule(file.bytes, file.fileName);
      if (!r.ok) {
        outcomes.push({ what: `insmod ${file.fileName}`, ok: false, message: r.error.message || r.error.errnoName });
        break;
      }
      decoded = { bytes: r.bytes, elf: r.module.elf };
      cache.set(op.handle, decoded);
    }
    const r = load_module(k, decoded.bytes, decoded.elf);
    outcomes.push({ what: `insmod ${file.fileName}`, ok: r.ok, ...(r.ok ? {} : { message: r.error?.message || r.error?.errnoName || 'refused' }) });
    if (!r.ok) break;
  }
  return { trace: k.trace.trace, outcomes, runMs: performance.now() - t0 };
}
