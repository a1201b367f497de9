// A trace as JSON: bigints as "0x…" strings, byte arrays as hex strings.
import type { Trace } from './types.ts';

export function traceToJson(trace: Trace, step?: number): string {
  const value = step === undefined ? trace : { kernel: trace.kernel, step: trace.steps[step] ?? null };
  return JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v === 'bigint') return `0x${v.toString(16)}`;
      if (v instanceof Uint8Array) return Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('');
      return v;
    },
    1,
  );
}
