// One fuzz input through the whole core: decode as openModule() does, then load into a fresh
// emulated 6.1 kernel. The contract: a result or a LoadError with a message — never an
// exception, never klp-lab's own "internal error".

import type { KallsymsEntry } from '../kernel/kallsyms.ts';
import { Kernel } from '../kernel/kernel.ts';
import type { LoadError } from '../kernel/load_error.ts';
import { load_module } from '../kernel/module/main.ts';
import { decodeModule } from '../module_file.ts';

export type FuzzOutcome = { kind: 'loaded' } | { kind: 'refused'; error: LoadError } | { kind: 'crash'; error: string };

export async function runInput(bytes: Uint8Array, vmlinux: KallsymsEntry[]): Promise<FuzzOutcome> {
  try {
    const d = await decodeModule(bytes, 'fuzz.ko');
    if (!d.ok)
      return d.error.where === 'klp-lab'
        ? { kind: 'crash', error: d.error.message }
        : { kind: 'refused', error: d.error };
    const k = new Kernel({ vmlinux, fakeMissingSymbols: true });
    const r = load_module(k, d.bytes, d.module.elf);
    return r.ok ? { kind: 'loaded' } : { kind: 'refused', error: r.error! };
  } catch (e) {
    return {
      kind: 'crash',
      error: e instanceof Error ? `${e.message}\n${e.stack?.split('\n').slice(1, 5).join('\n')}` : String(e),
    };
  }
}
