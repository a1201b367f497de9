// The core runner: a RunRequest in; what the emulated kernel did out: the trace, the auditor's
// verdicts and metrics, each operation's outcome, and the modules a design derives from the
// livepatch. The worker, the CLI and the tests share it; none of them builds a Kernel or loops
// over operations itself. Plain data out, so a result crosses the worker boundary as it is.
import { type Audit, auditTrace } from '../audit/auditor.ts';
import { ROLES } from '../scenarios/scenarios.ts';
import { type StrategyId, strategyById } from '../strategies/strategies.ts';
import type { OpRef } from '../trace/compare.ts';
import type { Trace } from '../trace/types.ts';
import type { ModuleFile, ResolveModule } from './modules.ts';
import type { RequestOf, RoleModules, RunKind, RunRequest } from './request.ts';
import { type Packaging, runScenario } from './scenario.ts';
import { runSequence, type SequenceOutcome, type SymbolTables } from './sequence.ts';

/** What one operation did, as the app lists it. */
export interface Outcome {
  /** "insmod klp_demo_patch.ko" / "rmmod klp_demo_target" */
  what: string;
  ok: boolean;
  /** Why it failed: the kernel's refusal verbatim, else its errno. */
  message?: string;
}

/** One strategy over one scenario. */
export interface ScenarioResult {
  strategy: StrategyId;
  /** Null when the strategy refuses the scenario (policy) or is not emulated yet (see `refused`). */
  trace: Trace | null;
  audit: Audit | null;
  outcomes: Outcome[];
  /** The scenario's operations with the step each starts at (for aligning strategies); empty when refused. */
  ops: OpRef[];
  /** How the design repackages the monolithic livepatch (klp-text, klp-text-ro, split). */
  packaging?: Packaging;
  refused?: string;
  /** Time of the run, the modules' decoding and the audit included, ms. */
  runMs: number;
}

export type RunResult =
  /** `ops`: each operation as the sequence ran it, with the step it starts at (aligning it with a recording). */
  | { kind: 'sequence'; trace: Trace; audit: Audit; outcomes: Outcome[]; ops: SequenceOutcome[]; runMs: number }
  | ({ kind: 'scenario' } & ScenarioResult)
  /** One column per requested strategy, in the request's order. */
  | { kind: 'compare'; columns: ScenarioResult[]; runMs: number };

export type ResultOf<K extends RunKind> = Extract<RunResult, { kind: K }>;

/**
 * Runs `request`, asking `resolve` for each module it names. A module `resolve` cannot provide
 * ends a sequence as that insmod's failure, fails a scenario run with an error, and turns a
 * comparison's column into a refusal (as does any error of one strategy).
 */
export async function run<R extends RunRequest<M>, M>(
  request: R,
  resolve: ResolveModule<M>,
  tables: SymbolTables,
): Promise<ResultOf<R['kind']>> {
  return (await runAny(request, resolve, tables)) as ResultOf<R['kind']>;
}

async function runAny<M>(request: RunRequest<M>, resolve: ResolveModule<M>, tables: SymbolTables): Promise<RunResult> {
  const t0 = performance.now();
  if (request.kind === 'sequence') {
    const { trace, outcomes } = await runSequence(request, resolve, tables);
    return {
      kind: 'sequence',
      trace,
      audit: auditTrace(trace),
      outcomes: outcomes.map((o) => outcome(`${o.op} ${o.module}`, o)),
      ops: outcomes,
      runMs: performance.now() - t0,
    };
  }
  if (request.kind === 'scenario')
    return { kind: 'scenario', ...(await runOne(request.strategy, request, resolve, tables)) };
  const columns: ScenarioResult[] = [];
  for (const strategy of request.strategies) {
    try {
      columns.push(await runOne(strategy, request, resolve, tables));
    } catch (e) {
      columns.push({
        strategy,
        trace: null,
        audit: null,
        outcomes: [],
        ops: [],
        refused: e instanceof Error ? e.message : String(e),
        runMs: 0,
      });
    }
  }
  return { kind: 'compare', columns, runMs: performance.now() - t0 };
}

const outcome = (what: string, o: { ok: boolean; errno?: string; message?: string }): Outcome => ({
  what,
  ok: o.ok,
  ...(o.ok ? {} : { message: o.message || o.errno || 'refused' }),
});

async function runOne<M>(
  strategy: StrategyId,
  request: RequestOf<'scenario' | 'compare', M>,
  resolve: ResolveModule<M>,
  tables: SymbolTables,
): Promise<ScenarioResult> {
  const t0 = performance.now();
  const kernel = request.kernel ?? strategyById(strategy)?.kernel;
  const mods: RoleModules<ModuleFile> = {};
  for (const role of ROLES) {
    const ref = request.roles?.[role] ?? (kernel && request.kernelRoles?.[kernel]?.[role]);
    if (ref === undefined) continue;
    const found = await resolve(ref);
    if (!found.ok) throw new Error(found.closed ? 'a module of the scenario is no longer open' : found.message);
    mods[role] = found.module;
  }
  const run = runScenario(
    strategy,
    request.scenario,
    mods,
    (kernel && tables.vmlinuxOf?.[kernel]) || tables.vmlinux,
    request.kernel,
  );
  if (run.kind === 'refused')
    return {
      strategy,
      trace: null,
      audit: null,
      outcomes: [],
      ops: [],
      refused: run.reason,
      runMs: performance.now() - t0,
    };
  const ops: OpRef[] = run.outcomes.map((o) => ({
    op: {
      op: o.op.op,
      role: o.op.role,
      ...(o.op.op === 'insmod' && o.op.dependency ? { dependency: o.op.dependency } : {}),
    },
    module: o.module,
    ok: o.ok,
    step: o.step,
    ...(o.errno ? { errno: o.errno } : {}),
    ...(o.message ? { message: o.message } : {}),
    ...(o.choice ? { choice: o.choice } : {}),
  }));
  return {
    strategy,
    trace: run.trace,
    audit: auditTrace(run.trace),
    outcomes: run.outcomes.map((o) => outcome(`${o.op.op} ${o.module}`, o)),
    ops,
    ...(run.packaging ? { packaging: run.packaging } : {}),
    runMs: performance.now() - t0,
  };
}
