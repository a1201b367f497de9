// arch/x86/kernel/alternative.c (6.1): text_poke() writes through a temporary mapping in
// poking_mm, so the target's own PTEs never become writable; text_poke_sync() makes every
// CPU serialize (an IPI); text_poke_early() is a plain memcpy for text nobody runs yet.
import type { RelocationCause } from '../../../trace/types.ts';
import type { Kernel } from '../../kernel.ts';

export function text_poke(k: Kernel, addr: bigint, bytes: Uint8Array, extra: { cause?: RelocationCause; what?: string } = {}): void {
  k.mem.write(addr, bytes, 'text_poke', extra);
}

export function text_poke_early(k: Kernel, addr: bigint, bytes: Uint8Array, extra: { what?: string } = {}): void {
  k.mem.write(addr, bytes, 'text_poke_early', extra);
}

export function text_poke_sync(k: Kernel, why: string): void {
  k.trace.emit({ kind: 'sync', fn: 'text_poke_sync', why });
}
