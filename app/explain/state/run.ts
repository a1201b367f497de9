// Turns an AppRequest into a Trace by asking the worker: resolves built-in modules and opened
// files to worker handles (a sample's bytes are fetched and transferred once per worker), sends
// the vmlinux table once, and runs the request there. No kernel logic here.

import type { RequestOf, RoleModules, SequenceOp } from '../../../src/engine/request.ts';
import type { Outcome, ResultOf } from '../../../src/engine/run.ts';
import type { Packaging } from '../../../src/engine/scenario.ts';
import { demoRoleFiles } from '../../../src/scenarios/demo_roles.ts';
import { ROLES } from '../../../src/scenarios/scenarios.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { type BuiltinModule, builtinUrl, fetchBuiltinBytes } from '../../builtin_modules.ts';
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
const builtinHandles = new Map<string, { handle: number; restarts: number }>();

function ensureKallsyms(): Promise<void> {
  kallsymsSent ??= (async () => {
    const response = await fetch(builtinUrl('vmlinux.kallsyms'));
    if (!response.ok) throw new Error(`samples/vmlinux.kallsyms: HTTP ${response.status}`);
    await worker().setKallsyms(await response.text());
  })().catch((e: unknown) => {
    kallsymsSent = null;
    throw e;
  });
  return kallsymsSent;
}

/** The worker handle of a module (a sample's bytes are fetched and stashed once per worker). */
export async function handleOf(ref: ModuleRef, builtins: BuiltinModule[]): Promise<number> {
  if (ref.kind === 'file') {
    const file = useKlp.getState().files.find((f) => f.key === ref.key);
    if (!file) throw new Error('That file is no longer open.');
    return file.handle;
  }
  const restarts = worker().restarts;
  const cached = builtinHandles.get(ref.id);
  if (cached && cached.restarts === restarts) return cached.handle;
  const sample = builtins.find((s) => s.id === ref.id);
  if (!sample) throw new Error(`No built-in sample "${ref.id}".`);
  const bytes = await fetchBuiltinBytes(sample);
  const handle = await worker().stash(bytes, sample.file.split('/').pop() ?? sample.file);
  builtinHandles.set(ref.id, { handle, restarts });
  return handle;
}

/** The module of each scenario role: the user's choice, else the built-in sample for it. */
export function roleRefs(
  chosen: RoleModules<ModuleRef> | undefined,
  builtins: BuiltinModule[],
): RoleModules<ModuleRef> {
  const refs: RoleModules<ModuleRef> = {};
  for (const role of ROLES) {
    const sample = builtins.find((s) => s.file === demoRoleFiles[role]);
    const ref = chosen?.[role] ?? (sample ? { kind: 'sample' as const, id: sample.id } : undefined);
    if (ref) refs[role] = ref;
  }
  return refs;
}

/** The scenario roles as worker handles. */
async function roleHandles(
  chosen: RoleModules<ModuleRef> | undefined,
  builtins: BuiltinModule[],
): Promise<RoleModules<number>> {
  const roles: RoleModules<number> = {};
  const refs = roleRefs(chosen, builtins);
  for (const role of ROLES) {
    const ref = refs[role];
    if (ref) roles[role] = await handleOf(ref, builtins);
  }
  return roles;
}

/** Several strategies over one scenario on the chosen modules (else the built-in ones), in one worker round trip. */
export async function runCompare(
  request: RequestOf<'compare', ModuleRef>,
  builtins: BuiltinModule[],
): Promise<ResultOf<'compare'> & { totalMs: number }> {
  const t0 = performance.now();
  await ensureKallsyms();
  const reply = await worker().run({
    kind: 'compare',
    strategies: request.strategies,
    scenario: request.scenario,
    roles: await roleHandles(request.roles, builtins),
  });
  for (const c of reply.columns) if (c.trace && c.audit) provideAudit(c.trace, c.audit);
  return { ...reply, totalMs: performance.now() - t0 };
}

export async function runSource(source: AppRequest, builtins: BuiltinModule[]): Promise<TraceRun> {
  const t0 = performance.now();
  await ensureKallsyms();
  if (source.kind === 'compare') throw new Error('a comparison runs through runCompare');
  if (source.kind === 'scenario') {
    const reply = await worker().run({
      kind: 'scenario',
      strategy: source.strategy,
      scenario: source.scenario,
      roles: await roleHandles(source.roles, builtins),
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
    ops.push(s.op === 'insmod' ? { op: 'insmod', module: await handleOf(s.module, builtins) } : s);
  const reply = await worker().run({
    kind: 'sequence',
    kernel: source.kernel,
    ops,
    fakeMissingSymbols: source.fakeMissingSymbols,
  });
  provideAudit(reply.trace, reply.audit);
  return { trace: reply.trace, outcomes: reply.outcomes, runMs: reply.runMs, totalMs: performance.now() - t0 };
}
