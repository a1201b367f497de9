// A sequence run: a fresh emulated kernel of the chosen profile, then each insmod / rmmod / disable in
// order, stopping at the first refusal (as a shell script under `set -e` would). Each module is
// asked of the caller only when its insmod comes.
import type { KallsymsEntry } from '../kernel/kallsyms.ts';
import { Kernel } from '../kernel/kernel.ts';
import { klp_disable_patch } from '../kernel/livepatch/core.ts';
import { delete_module, type LoadOptions, load_module } from '../kernel/module/main.ts';
import type { KernelId } from '../kernel/profile.ts';
import type { Trace } from '../trace/types.ts';
import type { ResolveModule } from './modules.ts';
import type { RequestOf } from './request.ts';

/** The symbols every run resolves against. */
export interface SymbolTables {
  /** vmlinux's symbols (kallsyms lines without a `[module]` tag). */
  vmlinux: KallsymsEntry[];
  /** The table of each kernel profile that has its own (the shipped 6.12 one), used instead of `vmlinux` on it. */
  vmlinuxOf?: Partial<Record<KernelId, KallsymsEntry[]>>;
  /** Modules taken as loaded without being emulated (KernelOptions.moduleSymbols); sequences only. */
  moduleSymbols?: KallsymsEntry[];
  /** How vmlinux exports are told (KernelOptions.vmlinuxExports); sequences only. */
  vmlinuxExports?: 'ksymtab' | 'globals';
}

/** Where a sequence's modules go, as a real load placed them (the CLI's --base and friends). */
export interface SequencePlacement {
  /** For the Nth insmod; past the end of the list, the emulated allocator chooses. */
  loads?: LoadOptions[];
  /** Start of the per-cpu reserved chunk (KernelOptions.percpuBase). */
  percpuBase?: bigint;
}

/** What one operation of a sequence did. */
export interface SequenceOutcome {
  op: 'insmod' | 'rmmod' | 'disable';
  /** The file given to insmod (or how the caller names a module it could not provide), or the module removed. */
  module: string;
  ok: boolean;
  /** The errno of the kernel's refusal. */
  errno?: string;
  /** The refusal, verbatim; a kernel message may be empty (5.4's elf_header_check() refuses silently). */
  message?: string;
  /** The first step of the operation in the trace. */
  step: number;
}

export async function runSequence<M>(
  request: RequestOf<'sequence', M>,
  resolve: ResolveModule<M>,
  tables: SymbolTables,
  place: SequencePlacement = {},
): Promise<{ trace: Trace; outcomes: SequenceOutcome[] }> {
  const k = new Kernel({
    kernel: request.kernel,
    vmlinux: tables.vmlinuxOf?.[request.kernel] ?? tables.vmlinux,
    ...(tables.moduleSymbols ? { moduleSymbols: tables.moduleSymbols } : {}),
    ...(tables.vmlinuxExports ? { vmlinuxExports: tables.vmlinuxExports } : {}),
    ...(place.percpuBase === undefined ? {} : { percpuBase: place.percpuBase }),
    fakeMissingSymbols: request.fakeMissingSymbols,
  });
  const outcomes: SequenceOutcome[] = [];
  let insmods = 0;
  for (const op of request.ops) {
    const step = k.trace.trace.steps.length;
    if (op.op === 'disable') {
      const err = klp_disable_patch(k, op.name);
      outcomes.push({
        op: 'disable',
        module: op.name,
        ok: !err,
        ...(err ? { errno: err.errnoName, message: err.message || `${op.name}: ${err.errnoName}` } : {}),
        step,
      });
      if (err) break;
      continue;
    }
    if (op.op === 'rmmod') {
      const err = delete_module(k, op.name);
      if (!err) {
        outcomes.push({ op: 'rmmod', module: op.name, ok: true, step });
        continue;
      }
      // delete_module(2) says only its errno; the words are rmmod's (kmod's tools/rmmod.c)
      const message = err.message || `rmmod: ERROR: Module ${op.name} is not currently loaded`;
      outcomes.push({ op: 'rmmod', module: op.name, ok: false, errno: err.errnoName, message, step });
      break;
    }
    if (op.op !== 'insmod') continue; // narrowed above: rmmod and disable are done
    const found = await resolve(op.module);
    if (!found.ok) {
      outcomes.push({ op: 'insmod', module: found.name, ok: false, message: found.message, step });
      break;
    }
    const { fileName, bytes, elf } = found.module;
    const r = load_module(k, bytes, elf, place.loads?.[insmods++] ?? {});
    outcomes.push({
      op: 'insmod',
      module: fileName,
      ok: r.ok,
      ...(r.ok || !r.error ? {} : { errno: r.error.errnoName, message: r.error.message }),
      step,
    });
    if (!r.ok) break;
  }
  return { trace: k.trace.trace, outcomes };
}
