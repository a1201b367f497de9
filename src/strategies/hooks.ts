// Where a strategy plugs its reconstruction into the emulated kernel: the hooks (KernelHooks,
// src/kernel/kernel_types.ts) of the design it stands for. Shipped designs get none.
import type { KernelHooks } from '../kernel/kernel_types.ts';
import { klpTextHooks } from '../reconstructions/klp_text.ts';
import { type SplitPackaging, splitHooks } from '../reconstructions/split.ts';
import type { Strategy } from './strategies.ts';

/** The hooks for `strategy`; `split` is the split design's repackaging of the patch. */
export function strategyHooks(strategy: Strategy, split: SplitPackaging | undefined): KernelHooks | undefined {
  if (strategy.klpTextHooks) return klpTextHooks(strategy.klpTextHooks);
  if (split) return splitHooks(split);
  return undefined;
}
