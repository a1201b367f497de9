// Options every command that runs the emulated kernel shares.
import { Kernel } from '../kernel/kernel.ts';
import type { KernelId } from '../kernel/profile.ts';
import type { ParsedArgs } from './args.ts';
import { type ExportsMode, readKallsyms, type SymbolFiles } from './kallsyms.ts';
import { warn } from './output.ts';

/** The profile `--kernel` names (6.1 by default; the table has checked the value). */
export const kernelId = (args: ParsedArgs): KernelId => (args.string('kernel') ?? '6.1') as KernelId;

/** `--kallsyms` files and `--exports`; a partial table's notice goes to stderr here, once. */
export function symbolFiles(args: ParsedArgs): SymbolFiles {
  const files = readKallsyms(
    args.strings('kallsyms'),
    args.string('exports') as ExportsMode | undefined,
    kernelId(args),
  );
  if (files.notice) warn(files.notice);
  return files;
}

export function makeKernel(
  args: ParsedArgs,
  opts: { recordWrites: boolean; fakeMissingSymbols?: boolean; percpuBase?: bigint },
): Kernel {
  const { vmlinux, modules, exports } = symbolFiles(args);
  return new Kernel({
    kernel: kernelId(args),
    vmlinux,
    vmlinuxExports: exports,
    moduleSymbols: modules,
    fakeMissingSymbols: opts.fakeMissingSymbols ?? args.flag('fake-missing-symbols'),
    recordWrites: opts.recordWrites,
    ...(opts.percpuBase === undefined ? {} : { percpuBase: opts.percpuBase }),
  });
}
