// The kernel profiles a run can choose, as the picker and the CLI name them. Keyed by KernelId:
// a new profile in src/kernel/profile.ts is a compile error here until it has a label, its
// built-in samples and its vmlinux table, and then it is in the picker, in links (`kernel=`) and
// in the CLI's `--kernel` without another edit.
import type { KernelId } from '../kernel/profile.ts';

export interface KernelChoice {
  label: string;
  title: string;
  /**
   * 'real': held to a real kernel by the tests (its captures in truth/); 'source': follows the
   * kernel source only, never met a real kernel.
   */
  checked: 'real' | 'source';
  /** The built-in sample modules built for this kernel (a folder of public/samples/). */
  samples: 'klp' | 'klp-6.12';
  /** The shipped vmlinux kallsyms table of this kernel (a file of public/samples/). */
  kallsyms: 'vmlinux.kallsyms' | 'vmlinux-6.12.kallsyms';
}

export const kernelChoices: Record<KernelId, KernelChoice> = {
  '5.4': {
    label: '5.4',
    title: 'v5.4: plain stores, module_disable_ro() for late livepatch relocations (follows the source)',
    checked: 'source',
    samples: 'klp',
    kallsyms: 'vmlinux.kallsyms',
  },
  '6.1': {
    label: '6.1',
    title: 'v6.1.192: text_poke() for late relocations (5.8+); held to Debian’s real 6.1.192',
    checked: 'real',
    samples: 'klp',
    kallsyms: 'vmlinux.kallsyms',
  },
  '6.3': {
    label: '6.3',
    title: '6.1 plus 6.3’s clearing of livepatch relocations when a target unloads (follows the source)',
    checked: 'source',
    samples: 'klp',
    kallsyms: 'vmlinux.kallsyms',
  },
  '6.4': {
    label: '6.4 module_memory',
    title: 'v6.4: one allocation per MOD_* memory type (follows the source)',
    checked: 'source',
    samples: 'klp',
    kallsyms: 'vmlinux.kallsyms',
  },
  '6.12': {
    label: '6.12',
    title:
      'v6.12.118: module_memory through execmem, set_memory_rox, IBT-era ftrace sites; held to Debian’s real 6.12.118',
    checked: 'real',
    samples: 'klp-6.12',
    kallsyms: 'vmlinux-6.12.kallsyms',
  },
};

/** Every KernelId, oldest first (the order of kernelChoices). */
export const KERNEL_IDS = Object.keys(kernelChoices) as KernelId[];
