// Moving a trace to the UI thread cheaply: its writes are a few typed arrays (write_log.ts),
// transferred, so the clone carries only the steps' other events.
import type { Trace } from '../../src/trace/types.ts';
import { writeLogTransferables } from '../../src/trace/write_log.ts';

export function traceTransferables(trace: Trace): Transferable[] {
  return writeLogTransferables(trace.writes);
}
