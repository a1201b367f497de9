// A trace as JSON: bigints as "0x…" strings, byte arrays as hex strings, each write an event of
// its step (the write log is how traces are stored, not part of what they say).
import { bytesHex } from '../format/hex.ts';
import { forEachEvent, stepEvents } from './events.ts';
import type { Step, Trace, TraceEvent } from './types.ts';

const replacer = (_key: string, v: unknown) => {
  // not hex0x(): a negative addend stays "0x-4", as the JSON has always had it
  if (typeof v === 'bigint') return `0x${v.toString(16)}`;
  if (v instanceof Uint8Array) return bytesHex(v, '');
  return v;
};

export function traceToJson(trace: Trace, step?: number): string {
  const expand = (s: Step) => ({ ...s, events: stepEvents(trace, s) });
  const value =
    step === undefined
      ? { kernel: trace.kernel, steps: trace.steps.map(expand) }
      : { kernel: trace.kernel, step: trace.steps[step] ? expand(trace.steps[step]) : null };
  return JSON.stringify(value, replacer, 1);
}

/** JSON.stringify(value, replacer, 1) for a value nested `depth` levels deep. */
const nested = (value: unknown, depth: number) =>
  JSON.stringify(value, replacer, 1).replaceAll('\n', `\n${' '.repeat(depth)}`);

/**
 * traceToJson(trace) handed to `write` in pieces of about 64 KiB: the same text, never held
 * whole (the JSON of a trace with a million writes is hundreds of megabytes).
 */
export function writeTraceJson(trace: Trace, write: (chunk: string) => void): void {
  let chunk = `{\n "kernel": ${nested(trace.kernel, 1)},\n "steps": [`;
  const add = (text: string) => {
    chunk += text;
    if (chunk.length < 1 << 16) return;
    write(chunk);
    chunk = '';
  };
  for (const [i, s] of trace.steps.entries()) {
    // the step with a marker where its events go (the key keeps its place); names hold no NUL
    const marker = `\0events of step ${i}\0`;
    const [head, tail] = nested({ ...s, events: marker }, 2).split(nested(marker, 0));
    add(`${i ? ',' : ''}\n  ${head}`);
    let events = 0;
    forEachEvent(trace, s, (e: TraceEvent) => add(`${events++ ? ',' : '['}\n    ${nested(e, 4)}`));
    add(`${events ? '\n   ]' : '[]'}${tail}`);
  }
  write(`${chunk}${trace.steps.length ? '\n ]' : ']'}\n}`);
}
