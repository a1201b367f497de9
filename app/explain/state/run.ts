// Turns an AppRequest into a Trace by asking the worker: resolves built-in modules and opened
// files to worker handles (a sample's bytes are fetched and transferred once per worker), sends
// the vmlinux tables once (the default one, and each kernel's own: the shipped 6.12 one), and
// runs the request there. A scenario role nobody chose plays the built-in sample built for the
// kernel its strategy runs on. No kernel logic here.

import { kernelChoices } from '../../../src/engine/kernels.ts';
import type { RequestOf, RoleModules, SequenceOp } from '../../../src/engine/request.ts';
import type { Outcome, ResultOf } from '../../../src/engine/run.ts';
import type { Packaging } from '../../../src/engine/scenario.ts';
import type { KernelId } from '../../../src/kernel/profile.ts';
import { demoRoleFiles } from '../../../src/scenarios/demo_roles.ts';
import { ROLES } from '../../../src/scenarios/scenarios.ts';
import { strategyById } from '../../../src/strategies/strategies.ts';
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

const kallsymsSent = new Map<string, Promise<void>>();
const builtinHandles = new Map<string, { handle: number; restarts: number }>();
const DEFAULT_TABLE = kernelChoices['6.1'].kallsyms;

/** Sends a shipped vmlinux table once: the default one, or a kernel's own. */
function sendTable(file: string, kernel?: KernelId): Promise<void> {
  let sent = kallsymsSent.get(file);
  if (!sent) {
    sent = (async () => {
      const response = await fetch(builtinUrl(file));
      if (!response.ok) throw new Error(`samples/${file}: HTTP ${response.status}`);
      // a kernel's own table goes by the kernel's name (the worker's runs on that kernel use it)
      await worker().setKallsyms(await response.text(), kernel ?? 'default');
    })().catch((e: unknown) => {
      kallsymsSent.delete(file);
      throw e;
    });
    kallsymsSent.set(file, sent);
  }
  return sent;
}

/** The default table, and the own table of each of `kernels` that has one. */
async function ensureKallsyms(kernels: KernelId[]): Promise<void> {
  await sendTable(DEFAULT_TABLE);
  for (const k of new Set(kernels))
    if (kernelChoices[k].kallsyms !== DEFAULT_TABLE) await sendTable(kernelChoices[k].kallsyms, k);
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

/** The module of each scenario role: the user's choice, else the built-in sample built for `kernel`. */
export function roleRefs(
  chosen: RoleModules<ModuleRef> | undefined,
  builtins: BuiltinModule[],
  kernel: KernelId,
): RoleModules<ModuleRef> {
  const refs: RoleModules<ModuleRef> = {};
  const demo = demoRoleFiles(kernelChoices[kernel].samples);
  for (const role of ROLES) {
    const sample = builtins.find((s) => s.file === demo[role]);
    const ref = chosen?.[role] ?? (sample ? { kind: 'sample' as const, id: sample.id } : undefined);
    if (ref) refs[role] = ref;
  }
  return refs;
}

/** The scenario roles as worker handles. */
async function roleHandles(
  chosen: RoleModules<ModuleRef> | undefined,
  builtins: BuiltinModule[],
  kernel: KernelId,
): Promise<RoleModules<number>> {
  const roles: RoleModules<number> = {};
  const refs = roleRefs(chosen, builtins, kernel);
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
  // each strategy plays the modules chosen, else the samples built for its kernel
  const kernels = [...new Set(request.strategies.map((s) => strategyById(s)!.kernel))];
  await ensureKallsyms(kernels);
  const kernelRoles: Partial<Record<KernelId, RoleModules<number>>> = {};
  for (const k of kernels) kernelRoles[k] = await roleHandles(request.roles, builtins, k);
  const reply = await worker().run({
    kind: 'compare',
    strategies: request.strategies,
    scenario: request.scenario,
    kernelRoles,
  });
  for (const c of reply.columns) if (c.trace && c.audit) provideAudit(c.trace, c.audit);
  return { ...reply, totalMs: performance.now() - t0 };
}

export async function runSource(source: AppRequest, builtins: BuiltinModule[]): Promise<TraceRun> {
  const t0 = performance.now();
  if (source.kind === 'compare') throw new Error('a comparison runs through runCompare');
  if (source.kind === 'scenario') {
    const kernel = strategyById(source.strategy)!.kernel;
    await ensureKallsyms([kernel]);
    const reply = await worker().run({
      kind: 'scenario',
      strategy: source.strategy,
      scenario: source.scenario,
      roles: await roleHandles(source.roles, builtins, kernel),
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
  await ensureKallsyms([source.kernel]);
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
