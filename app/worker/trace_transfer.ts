// Moving a run's traces to the UI thread cheaply: their writes are a few typed arrays
// (write_log.ts), transferred, so the clone carries only the steps' other events.
import type { RunResult } from '../../src/engine/run.ts';
import type { Trace } from '../../src/trace/types.ts';
import { writeLogTransferables } from '../../src/trace/write_log.ts';

export function traceTransferables(trace: Trace): Transferable[] {
  return writeLogTransferables(trace.writes);
}

/** The buffers of every trace in a run's result. */
export function resultTransferables(result: RunResult): Transferable[] {
  if (result.kind === 'compare') return result.columns.flatMap((c) => (c.trace ? traceTransferables(c.trace) : []));
  return result.trace ? traceTransferables(result.trace) : [];
}
