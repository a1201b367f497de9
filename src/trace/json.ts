// A trace as JSON: bigints as "0x…" strings, byte arrays as hex strings, each write an event of
// its step (the write log is how traces are stored, not part of what they say).
import { bytesHex } from '../format/hex.ts';
import { stepEvents } from './events.ts';
import type { Step, Trace } from './types.ts';

export function traceToJson(trace: Trace, step?: number): string {
  const expand = (s: Step) => ({ ...s, events: stepEvents(trace, s) });
  const value =
    step === undefined
      ? { kernel: trace.kernel, steps: trace.steps.map(expand) }
      : { kernel: trace.kernel, step: trace.steps[step] ? expand(trace.steps[step]) : null };
  return JSON.stringify(
    value,
    (_key, v) => {
      // not hex0x(): a negative addend stays "0x-4", as the JSON has always had it
      if (typeof v === 'bigint') return `0x${v.toString(16)}`;
      if (v instanceof Uint8Array) return bytesHex(v, '');
      return v;
    },
    1,
  );
}
