// Turns a TraceSource into a Trace by asking the worker: resolves built-in samples and opened
// files to worker handles (a sample's bytes are fetched and transferred once per worker), sends
// the vmlinux table once, and runs the sequence. No kernel logic here.

import type { Packaging } from '../../src/scenarios/run.ts';
import { sampleFiles } from '../../src/scenarios/samples.ts';
import type { Role } from '../../src/scenarios/scenarios.ts';
import type { Trace } from '../../src/trace/types.ts';
import { fetchSampleBytes, type Sample, samplesUrl } from '../samples.ts';
import { useKlp, worker } from '../store.ts';
import type { CompareReply } from '../worker/protocol.ts';
import { provideAudit } from './model.ts';
import type { ModuleRef, RunOutcome, ScenarioRoles, TraceSource } from './source.ts';

export interface RunResult {
  /** How the strategy repackages the monolithic livepatch (scenario runs of klp-text, split…). */
  packaging?: Packaging | undefined;
  /** Null when the strategy refuses the scenario (see `refused`). */
  trace: Trace | null;
  refused?: string | undefined;
  outcomes: RunOutcome[];
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
export function roleRefs(chosen: ScenarioRoles | undefined, samples: Sample[]): Partial<Record<Role, ModuleRef>> {
  const refs: Partial<Record<Role, ModuleRef>> = {};
  for (const [role, file] of Object.entries(sampleFiles) as Array<[Role, string]>) {
    const sample = samples.find((s) => s.file === file);
    const ref = chosen?.[role] ?? (sample ? { kind: 'sample' as const, id: sample.id } : undefined);
    if (ref) refs[role] = ref;
  }
  return refs;
}

/** The scenario roles as worker handles. */
async function roleHandles(
  chosen: ScenarioRoles | undefined,
  samples: Sample[],
): Promise<Partial<Record<Role, number>>> {
  const roles: Partial<Record<Role, number>> = {};
  for (const [role, ref] of Object.entries(roleRefs(chosen, samples)) as Array<[Role, ModuleRef]>)
    roles[role] = await handleOf(ref, samples);
  return roles;
}

/** Several strategies over one scenario on the chosen modules (else the samples), in one worker round trip. */
export async function runCompare(
  strategies: string[],
  scenario: string,
  samples: Sample[],
  chosen?: ScenarioRoles,
): Promise<CompareReply & { totalMs: number }> {
  const t0 = performance.now();
  await ensureKallsyms();
  const reply = await worker().compareScenario({ strategies, scenario, roles: await roleHandles(chosen, samples) });
  for (const c of reply.columns) if (c.trace && c.audit) provideAudit(c.trace, c.audit);
  return { ...reply, totalMs: performance.now() - t0 };
}

export async function runSource(source: TraceSource, samples: Sample[]): Promise<RunResult> {
  const t0 = performance.now();
  await ensureKallsyms();
  if (source.kind === 'compare') throw new Error('a comparison runs through runCompare');
  if (source.kind === 'scenario') {
    const reply = await worker().runScenario({
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
  const steps = [];
  for (const s of source.steps)
    steps.push(s.op === 'insmod' ? { op: 'insmod' as const, handle: await handleOf(s.module, samples) } : s);
  const reply = await worker().loadSequence({
    kernel: source.kernel,
    steps,
    fakeMissingSymbols: source.fakeMissingSymbols,
  });
  provideAudit(reply.trace, reply.audit);
  return { trace: reply.trace, outcomes: reply.outcomes, runMs: reply.runMs, totalMs: performance.now() - t0 };
}
