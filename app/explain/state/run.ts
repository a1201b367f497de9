// Turns an AppRequest into a Trace by asking the worker: resolves built-in samples and opened
// files to worker handles (a sample's bytes are fetched and transferred once per worker), sends
// the vmlinux table once, and runs the request there. No kernel logic here.

import type { RequestOf, RoleModules, SequenceOp } from '../../../src/engine/request.ts';
import type { Outcome, ResultOf } from '../../../src/engine/run.ts';
import type { Packaging } from '../../../src/engine/scenario.ts';
import { sampleFiles } from '../../../src/scenarios/samples.ts';
import { ROLES } from '../../../src/scenarios/scenarios.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { fetchSampleBytes, type Sample, samplesUrl } from '../../samples.ts';
import { useKlp, worker } from '../../store.ts';
import { provideAudit } from './model.ts';
import type { AppRequest, ModuleRef } from './request.ts';

export interface TraceRun {
  /** How the strategy repackages the monolithic livepatch (scenario runs of klp-text, split…). */
  packaging?: Packaging | undefined;
  /** Null when the strategy refuses the scenario (see `refused`). */
  trace: Trace | null;
  refused?: string | undefined;
  outcomes: Outcome[];
  /** Emulation time in the worker, ms. */
  runMs: number;
  /** Request to trace in the UI thread (fetches, transfer and structured clone included), ms. */
  totalMs: number;
}

let kallsymsSent: Promise<void> | null = null;
const sampleHandles = new Map<string, { handle: number; restarts: number }>();

function ensureKallsyms(): Promise<void> {
  kallsymsSent ??= (async () => {
    const response = await fetch(samplesUrl('vmlinux.kallsyms'));
    if (!response.ok) throw new Error(`samples/vmlinux.kallsyms: HTTP ${response.status}`);
    await worker().setKallsyms(await response.text());
  })().catch((e: unknown) => {
    kallsymsSent = null;
    throw e;
  });
  return kallsymsSent;
}

/** The worker handle of a module (a sample's bytes are fetched and stashed once per worker). */
export async function handleOf(ref: ModuleRef, samples: Sample[]): Promise<number> {
  if (ref.kind === 'file') {
    const file = useKlp.getState().files.find((f) => f.key === ref.key);
    if (!file) throw new Error('That file is no longer open.');
    return file.handle;
  }
  const restarts = worker().restarts;
  const cached = sampleHandles.get(ref.id);
  if (cached && cached.restarts === restarts) return cached.handle;
  const sample = samples.find((s) => s.id === ref.id);
  if (!sample) throw new Error(`No built-in sample "${ref.id}".`);
  const bytes = await fetchSampleBytes(sample);
  const handle = await worker().stash(bytes, sample.file.split('/').pop() ?? sample.file);
  sampleHandles.set(ref.id, { handle, restarts });
  return handle;
}

/** The module of each scenario role: the user's choice, else the built-in sample for it. */
export function roleRefs(chosen: RoleModules<ModuleRef> | undefined, samples: Sample[]): RoleModules<ModuleRef> {
  const refs: RoleModules<ModuleRef> = {};
  for (const role of ROLES) {
    const sample = samples.find((s) => s.file === sampleFiles[role]);
    const ref = chosen?.[role] ?? (sample ? { kind: 'sample' as const, id: sample.id } : undefined);
    if (ref) refs[role] = ref;
  }
  return refs;
}

/** The scenario roles as worker handles. */
async function roleHandles(
  chosen: RoleModules<ModuleRef> | undefined,
  samples: Sample[],
): Promise<RoleModules<number>> {
  const roles: RoleModules<number> = {};
  const refs = roleRefs(chosen, samples);
  for (const role of ROLES) {
    const ref = refs[role];
    if (ref) roles[role] = await handleOf(ref, samples);
  }
  return roles;
}

/** Several strategies over one scenario on the chosen modules (else the samples), in one worker round trip. */
export async function runCompare(
  request: RequestOf<'compare', ModuleRef>,
  samples: Sample[],
): Promise<ResultOf<'compare'> & { totalMs: number }> {
  const t0 = performance.now();
  await ensureKallsyms();
  const reply = await worker().run({
    kind: 'compare',
    strategies: request.strategies,
    scenario: request.scenario,
    roles: await roleHandles(request.roles, samples),
  });
  for (const c of reply.columns) if (c.trace && c.audit) provideAudit(c.trace, c.audit);
  return { ...reply, totalMs: performance.now() - t0 };
}

export async function runSource(source: AppRequest, samples: Sample[]): Promise<TraceRun> {
  const t0 = performance.now();
  await ensureKallsyms();
  if (source.kind === 'compare') throw new Error('a comparison runs through runCompare');
  if (source.kind === 'scenario') {
    const reply = await worker().run({
      kind: 'scenario',
      strategy: source.strategy,
      scenario: source.scenario,
      roles: await roleHandles(source.roles, samples),
    });
    if (reply.trace && reply.audit) provideAudit(reply.trace, reply.audit);
    return {
      trace: reply.trace,
      refused: reply.refused,
      outcomes: reply.outcomes,
      ...(reply.packaging ? { packaging: reply.packaging } : {}),
      runMs: reply.runMs,
      totalMs: performance.now() - t0,
    };
  }
  const ops: SequenceOp<number>[] = [];
  for (const s of source.ops)
    ops.push(s.op === 'insmod' ? { op: 'insmod', module: await handleOf(s.module, samples) } : s);
  const reply = await worker().run({
    kind: 'sequence',
    kernel: source.kernel,
    ops,
    fakeMissingSymbols: source.fakeMissingSymbols,
  });
  provideAudit(reply.trace, reply.audit);
  return { trace: reply.trace, outcomes: reply.outcomes, runMs: reply.runMs, totalMs: performance.now() - t0 };
}
