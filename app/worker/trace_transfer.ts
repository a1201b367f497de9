// The byte arrays of a trace's write events, to transfer instead of copy. Every write event
// owns its arrays (AddressSpace.write() slices them), so moving them detaches nothing the
// emulator still needs.
import type { Trace } from '../../src/trace/types.ts';

export function traceTransferables(trace: Trace): Transferable[] {
  const out: Transferable[] = [];
  const seen = new Set<ArrayBufferLike>();
  for (const step of trace.steps)
    for (const e of step.events) {
      if (e.kind !== 'write') continue;
      for (const a of [e.old, e.new]) {
        const whole = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength;
        if (whole && a.buffer instanceof ArrayBuffer && !seen.has(a.buffer)) {
          seen.add(a.buffer);
          out.push(a.buffer);
        }
      }
    }
  return out;
}
