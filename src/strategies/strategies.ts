// The livepatching designs klp-lab compares (ids are part of URLs and the CLI). Each is a
// kernel profile plus, for the designs that never shipped, the policy the mailing-list thread
// described: "[PATCH v4 15/16] module: Move where we mark modules RO,X", October 2019
// (20191018130342.GA4625@linux-8ccs, 20191021141419.GB21112@linux-8ccs), and Petr Mladek's
// "[POC 00/23] livepatch: Split livepatch module per-object" (20200117150323.21801-1-pmladek@suse.com).
import type { KernelId } from '../kernel/profile.ts';

export type StrategyId =
  | 'v5.4-flip'
  | 'klp-text'
  | 'klp-text-ro'
  | 'split'
  | 'text-poke'
  | 'text-poke-clear'
  | 'module-memory'
  | 'forbid-late'
  | 'deny-unload';

export interface Strategy {
  id: StrategyId;
  name: string;
  /** What happened to it. */
  reality: string;
  kernel: KernelId;
  /** Why it runs on `kernel` when that is not the version it merged in (shown beside the kernel). */
  kernelWhy?: string;
  /** Shipped code (emulated from source) or a reconstruction of a proposal. */
  reconstruction: boolean;
  /** Patch modules may not load before their targets (2019: "forbid late module patching"). */
  forbidLate?: boolean;
  /** Patched modules cannot be removed (one of Josh's three options, July 2019). */
  denyUnload?: boolean;
  /** How the monolithic livepatch is repackaged for this design (src/klp_packaging/). */
  packaging?: 'klp-text' | 'split';
  /** The `.klp.text` loader hooks: Jessica Yu's sketch, or Petr Mladek's RO-early variant. */
  klpTextHooks?: 'jessica' | 'petr';
  /** Not emulated yet: the reason, shown instead of a trace. */
  notYet?: string;
}

export const strategies: Strategy[] = [
  {
    id: 'v5.4-flip',
    name: '5.4: module_disable_ro() flip',
    reality: 'merged, 4.x–5.7',
    kernel: '5.4',
    reconstruction: false,
  },
  {
    id: 'klp-text',
    name: 'per-object .klp.text sections, loader hooks (Miroslav/Jessica)',
    reality: 'proposal, Oct 2019',
    kernel: '5.4',
    reconstruction: true,
    packaging: 'klp-text',
    klpTextHooks: 'jessica',
  },
  {
    id: 'klp-text-ro',
    name: 'per-object .klp.text, unused sections RO early (Petr)',
    reality: 'proposal, Oct 2019',
    kernel: '5.4',
    reconstruction: true,
    packaging: 'klp-text',
    klpTextHooks: 'petr',
  },
  {
    id: 'split',
    name: 'one patch module per target module (LPC 2019; Petr\u2019s Jan 2020 POC)',
    reality: 'POC, never merged',
    kernel: '5.4',
    reconstruction: true,
    packaging: 'split',
  },
  {
    id: 'text-poke',
    name: '5.8: late relocations through text_poke()',
    reality: 'merged 5.8',
    kernel: '6.1',
    kernelWhy: 'the 5.8 design, run on the 6.1 code base',
    reconstruction: false,
  },
  {
    // the two shipped designs since 6.3 run on 6.12, the kernel held to a real one that has both
    // (`--kernel 6.3` / `--kernel 6.4` show them on the source-only profiles of when they merged)
    id: 'text-poke-clear',
    name: '6.3: relocations cleared on target unload',
    reality: 'merged 6.3',
    kernel: '6.12',
    kernelWhy: 'the 6.3 design, run on the 6.12 code base',
    reconstruction: false,
  },
  {
    id: 'module-memory',
    name: '6.4+: per-type module_memory allocations',
    reality: 'merged 6.4',
    kernel: '6.12',
    kernelWhy: 'the 6.4 design, run on the 6.12 code base',
    reconstruction: false,
  },
  {
    id: 'forbid-late',
    name: 'rejected: targets must be loaded before the patch',
    reality: 'rejected (2019)',
    kernel: '6.1',
    reconstruction: true,
    forbidLate: true,
  },
  {
    id: 'deny-unload',
    name: 'rejected: patched modules cannot be removed',
    reality: 'rejected (2019)',
    kernel: '6.1',
    reconstruction: true,
    denyUnload: true,
  },
];

export const strategyById = (id: StrategyId) => strategies.find((s) => s.id === id);

/** What a reconstruction stands for, as its packaging panel says it. */
export function packagingProvenance(s: Strategy): string {
  return s.packaging === 'split'
    ? `${s.id} is a posted, unmerged POC (Petr Mladek's Jan 2020 series, one module per target): klp-lab derives this from the monolithic livepatch the way the POC packages it.`
    : `${s.id} never existed as code: klp-lab derives this from the monolithic livepatch the way the proposal describes it (Oct 2019, per-object .klp.text sections).`;
}
