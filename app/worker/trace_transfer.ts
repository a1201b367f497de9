// Moving a trace to the UI thread cheaply. A big module's trace has ~300k write events, each
// with two small byte arrays; transferring or cloning 600k ArrayBuffers one by one takes tens
// of seconds. So the worker first repacks every write's bytes as views into one buffer (the
// clone then carries one buffer, shared by all views) and transfers that buffer.
import type { Trace } from '../../src/trace/types.ts';

export function traceTransferables(trace: Trace): Transferable[] {
  let total = 0;
  for (const step of trace.steps)
    for (const e of step.events) if (e.kind === 'write') total += e.old.length + e.new.length;
  if (total === 0) return [];
  const pool = new Uint8Array(total);
  let at = 0;
  const move = (a: Uint8Array): Uint8Array => {
    pool.set(a, at);
    const view = pool.subarray(at, at + a.length);
    at += a.length;
    return view;
  };
  for (const step of trace.steps)
    for (const e of step.events) {
      if (e.kind !== 'write') continue;
      e.old = move(e.old);
      e.new = move(e.new);
    }
  return [pool.buffer];
}
