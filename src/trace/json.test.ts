// writeTraceJson() streams exactly the text traceToJson() builds whole.
import { expect, test } from 'vitest';
import { runScenario } from '../engine/scenario.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { traceToJson, writeTraceJson } from './json.ts';
import type { Trace } from './types.ts';

const streamed = (trace: Trace) => {
  const chunks: string[] = [];
  writeTraceJson(trace, (c) => chunks.push(c));
  return chunks;
};

test('streamed JSON is byte for byte the JSON built whole', async () => {
  const run = runScenario('text-poke', 'late-load', await demoModules(), builtinVmlinux());
  if (run.kind !== 'trace') throw new Error('refused');
  const trace = run.trace;
  expect(trace.steps.some((s) => !s.events.length)).toBe(true); // a step without events, too
  const chunks = streamed(trace);
  expect(chunks.join('')).toBe(traceToJson(trace));
  expect(chunks.length).toBeGreaterThan(1);
  const empty: Trace = { ...trace, steps: [] };
  expect(streamed(empty).join('')).toBe(traceToJson(empty));
});
