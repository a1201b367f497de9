// The kernel profiles a run can choose, as the picker and the CLI name them. Keyed by KernelId:
// a new profile in src/kernel/profile.ts is a compile error here until it has a label, and then
// it is in the picker, in links (`kernel=`) and in the CLI's `--kernel` without another edit.
import type { KernelId } from '../kernel/profile.ts';

export const kernelChoices: Record<KernelId, { label: string; title: string }> = {
  '5.4': { label: '5.4', title: 'v5.4: plain stores, module_disable_ro() for late livepatch relocations' },
  '6.1': { label: '6.1', title: 'v6.1.192: text_poke() for late relocations (5.8+)' },
  '6.3': { label: '6.3', title: '6.1 plus 6.3’s clearing of livepatch relocations when a target unloads' },
  '6.4': { label: '6.4+ module_memory', title: 'v6.12: one allocation per MOD_* memory type (6.4+)' },
};

/** Every KernelId, oldest first (the order of kernelChoices). */
export const KERNEL_IDS = Object.keys(kernelChoices) as KernelId[];
