// Options every command that runs the emulated kernel shares.
import { Kernel } from '../kernel/kernel.ts';
import type { KernelId } from '../kernel/profile.ts';
import { CliError, readKallsyms } from './io.ts';

export const kernelOptions = {
  kernel: { type: 'string', default: '6.1' },
  kallsyms: { type: 'string', multiple: true, default: [] as string[] },
  'fake-missing-symbols': { type: 'boolean', default: false },
} as const;

export function makeKernel(
  values: { kernel?: string; kallsyms?: string[]; 'fake-missing-symbols'?: boolean },
  recordWrites = true,
): Kernel {
  const id = values.kernel ?? '6.1';
  if (!['5.4', '6.1', '6.3', '6.4'].includes(id))
    throw new CliError(`--kernel ${id}: unknown kernel (5.4, 6.1, 6.3, 6.4)`);
  const { vmlinux, modules } = readKallsyms(values.kallsyms ?? []);
  return new Kernel({
    kernel: id as KernelId,
    vmlinux,
    moduleSymbols: modules,
    fakeMissingSymbols: values['fake-missing-symbols'] ?? false,
    recordWrites,
  });
}
