// kernel_text_address() of kernel/extable.c (6.1): is an address code the kernel could run —
// core kernel text or a loaded module's text?
import type { Kernel } from './kernel_types.ts';
import { __module_text_address } from './module/tree_lookup.ts';

/**
 * vmlinux's _stext/_etext are not in the kallsyms subset, so an address counts as vmlinux text
 * when the nearest symbol at or below it is a text symbol (t/T).
 */
export function kernel_text_address(k: Kernel, addr: bigint): boolean {
  if (__module_text_address(k, addr)) return true;
  const s = k.vmlinux.below(addr);
  return !!s && /^[tT]$/.test(s.type) && addr - s.addr < 0x100000n;
}
