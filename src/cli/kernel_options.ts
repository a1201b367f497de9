// Options every command that runs the emulated kernel shares.
import { KERNEL_IDS } from '../engine/kernels.ts';
import { parseKernelId } from '../engine/parse.ts';
import { Kernel } from '../kernel/kernel.ts';
import type { KernelId } from '../kernel/profile.ts';
import { CliError, readKallsyms } from './io.ts';

export const kernelOptions = {
  kernel: { type: 'string', default: '6.1' },
  kallsyms: { type: 'string', multiple: true, default: [] as string[] },
  'fake-missing-symbols': { type: 'boolean', default: false },
} as const;

/** The profile `--kernel` names (6.1 by default). */
export function kernelId(value: string | undefined): KernelId {
  const id = value ?? '6.1';
  const kernel = parseKernelId(id);
  if (!kernel) throw new CliError(`--kernel ${id}: unknown kernel (${KERNEL_IDS.join(', ')})`);
  return kernel;
}

export function makeKernel(
  values: { kernel?: string; kallsyms?: string[]; 'fake-missing-symbols'?: boolean },
  recordWrites = true,
): Kernel {
  const kernel = kernelId(values.kernel);
  const { vmlinux, modules } = readKallsyms(values.kallsyms ?? []);
  return new Kernel({
    kernel,
    vmlinux,
    moduleSymbols: modules,
    fakeMissingSymbols: values['fake-missing-symbols'] ?? false,
    recordWrites,
  });
}
