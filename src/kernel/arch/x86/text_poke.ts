// arch/x86/kernel/alternative.c (6.1): text_poke() writes through a temporary mapping in
// poking_mm, so the target's own PTEs never become writable; text_poke_sync() makes every
// CPU serialize (an IPI); text_poke_early() is a plain memcpy for text nobody runs yet.
import type { RelocationCause } from '../../../trace/types.ts';
import type { Kernel } from '../../kernel_types.ts';
import { PAGE_SIZE } from '../../mm/page.ts';

export function text_poke(
  k: Kernel,
  addr: bigint,
  bytes: Uint8Array,
  extra: { cause?: RelocationCause; what?: string } = {},
): void {
  k.mem.write(addr, bytes, 'text_poke', extra);
}

export function text_poke_early(k: Kernel, addr: bigint, bytes: Uint8Array, extra: { what?: string } = {}): void {
  k.mem.write(addr, bytes, 'text_poke_early', extra);
}

export function text_poke_sync(k: Kernel, why: string): void {
  k.trace.emit({ kind: 'sync', fn: 'text_poke_sync', why });
}

/** A patch for text_poke_bp()/text_poke_queue(): `bytes` replaces the instruction at `addr`. */
export interface TextPokeLoc {
  addr: bigint;
  bytes: Uint8Array;
  what: string;
}

// sizeof(struct text_poke_loc) is 16 (POKE_MAX_OPCODE_SIZE 5): tp_vec holds a page of them
const TP_VEC_MAX = PAGE_SIZE / 16;

/**
 * text_poke_bp_batch() (arch/x86/kernel/alternative.c 6.1): patch live text that another CPU
 * may be executing, so no CPU ever sees a torn instruction: INT3 over every first byte, sync,
 * every tail, sync, every first byte, sync. A CPU hitting the INT3 meanwhile is sent to the
 * new instruction by poke_int3_handler().
 */
function text_poke_bp_batch(k: Kernel, tp: TextPokeLoc[], why: string): void {
  if (!tp.length) return;
  const INT3 = Uint8Array.of(0xcc);
  for (const t of tp) text_poke(k, t.addr, INT3, { what: `${t.what}: int3 (text_poke_bp step 1)` });
  text_poke_sync(k, `${why}: int3 in place`);
  let doSync = 0;
  for (const t of tp) {
    if (t.bytes.length - 1 > 0) {
      text_poke(k, t.addr + 1n, t.bytes.subarray(1), { what: `${t.what}: tail (text_poke_bp step 2)` });
      doSync++;
    }
  }
  if (doSync) text_poke_sync(k, `${why}: tails written`);
  doSync = 0;
  for (const t of tp) {
    if (t.bytes[0] === 0xcc) continue;
    text_poke(k, t.addr, t.bytes.subarray(0, 1), { what: `${t.what}: first byte (text_poke_bp step 3)` });
    doSync++;
  }
  if (doSync) text_poke_sync(k, `${why}: first bytes written`);
}

/** text_poke_bp(): one location, one batch. */
export function text_poke_bp(k: Kernel, addr: bigint, bytes: Uint8Array, what: string): void {
  text_poke_bp_batch(k, [{ addr, bytes, what }], what);
}

/**
 * text_poke_queue() … text_poke_finish(): queued locations go out in batches; the vector is
 * flushed when it is full or when an address is lower than the last queued (tp_order_fail(),
 * the INT3 handler bsearches the vector).
 */
export function text_poke_queue_finish(k: Kernel, locs: TextPokeLoc[], why: string): number {
  let batch: TextPokeLoc[] = [];
  let batches = 0;
  for (const t of locs) {
    if (batch.length === TP_VEC_MAX || (batch.length && batch[batch.length - 1]!.addr > t.addr)) {
      text_poke_bp_batch(k, batch, why);
      batches++;
      batch = [];
    }
    batch.push(t);
  }
  if (batch.length) {
    text_poke_bp_batch(k, batch, why);
    batches++;
  }
  return batches;
}
