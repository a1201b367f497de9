// What to run, said once for every layer: the explainer's picker, the permalink codec, the worker
// protocol, the CLI and the tests all describe a run as a RunRequest. Its ids are the core's own
// unions (kernel profile, strategy, scenario, role), so a new kernel profile or strategy is a
// compile error wherever it is not handled yet. Only the module reference differs by layer, as
// the type parameter M: a sample or an open file in the app, a sample or a content hash in a
// link, a worker handle in the worker, a path or an already decoded module in the CLI and tests.
import type { KernelId } from '../kernel/profile.ts';
import type { Role, ScenarioId } from '../scenarios/scenarios.ts';
import type { StrategyId } from '../strategies/strategies.ts';

/** A built-in sample (public/samples/), by its id. */
export interface SampleRef {
  kind: 'sample';
  id: string;
}

/** A file open in the app, by its key in the app's file list. */
export interface OpenFileRef {
  kind: 'file';
  key: string;
}

/** The user's own file as a link names it: content hash and name (its bytes never leave the machine). */
export interface LinkedFileRef {
  kind: 'file';
  sha256: string;
  name: string;
}

/**
 * One operation of a sequence: load a module, remove a loaded one by its name, or disable a loaded
 * livepatch by its module's name (`echo 0 > /sys/kernel/livepatch/NAME/enabled`).
 */
export type SequenceOp<M> = { op: 'insmod'; module: M } | { op: 'rmmod' | 'disable'; name: string };

/** The module playing each scenario role; a role left out is not provided (the app fills in its sample). */
export type RoleModules<M> = Partial<Record<Role, M>>;

/**
 * What a scenario or a comparison plays on besides its strategies: `roles`, the modules chosen
 * for every kernel; `kernelRoles`, the built-in modules of each kernel profile for the roles
 * `roles` leaves out (a strategy plays those of the kernel it runs on: samples built for it);
 * `kernel`, a profile every strategy runs on instead of its own.
 */
export interface ScenarioModules<M> {
  roles?: RoleModules<M> | undefined;
  kernelRoles?: Partial<Record<KernelId, RoleModules<M>>> | undefined;
  kernel?: KernelId | undefined;
}

export type RunRequest<M> =
  /** insmod / rmmod of chosen modules in order, on one kernel profile; stops at the first refusal. */
  | { kind: 'sequence'; kernel: KernelId; ops: SequenceOp<M>[]; fakeMissingSymbols: boolean }
  /** One of the core's scenarios under one strategy (the strategy names its kernel profile). */
  | ({ kind: 'scenario'; strategy: StrategyId; scenario: ScenarioId } & ScenarioModules<M>)
  /** Several strategies over one scenario and the same modules, side by side. */
  | ({ kind: 'compare'; strategies: StrategyId[]; scenario: ScenarioId } & ScenarioModules<M>);

export type RunKind = RunRequest<unknown>['kind'];

/** The request of one kind, e.g. RequestOf<'sequence', string> for the CLI's `trace`. */
export type RequestOf<K extends RunKind, M> = Extract<RunRequest<M>, { kind: K }>;

/**
 * The same request over other module references. A module `to` has no counterpart for is left
 * out (its insmod, or its role); a role map left empty is left out with it.
 */
export function mapModules<A, B>(request: RunRequest<A>, to: (module: A) => B | undefined): RunRequest<B> {
  if (request.kind === 'sequence') {
    const ops: SequenceOp<B>[] = [];
    for (const o of request.ops) {
      if (o.op !== 'insmod') ops.push({ op: o.op, name: o.name });
      else {
        const module = to(o.module);
        if (module !== undefined) ops.push({ op: 'insmod', module });
      }
    }
    return { kind: 'sequence', kernel: request.kernel, ops, fakeMissingSymbols: request.fakeMissingSymbols };
  }
  const mapRoles = (from: RoleModules<A> | undefined): RoleModules<B> | undefined => {
    if (!from) return undefined;
    const out: RoleModules<B> = {};
    // in the map's own order: a link's roles keep the order they were written in
    for (const role of Object.keys(from) as Role[]) {
      const m = from[role];
      const module = m === undefined ? undefined : to(m);
      if (module !== undefined) out[role] = module;
    }
    return Object.keys(out).length ? out : undefined;
  };
  const roles = mapRoles(request.roles);
  const kernelRoles: Partial<Record<KernelId, RoleModules<B>>> = {};
  for (const kernel of Object.keys(request.kernelRoles ?? {}) as KernelId[]) {
    const mapped = mapRoles(request.kernelRoles?.[kernel]);
    if (mapped) kernelRoles[kernel] = mapped;
  }
  const withRoles = {
    ...(roles ? { roles } : {}),
    ...(Object.keys(kernelRoles).length ? { kernelRoles } : {}),
    ...(request.kernel ? { kernel: request.kernel } : {}),
  };
  return request.kind === 'scenario'
    ? { kind: 'scenario', strategy: request.strategy, scenario: request.scenario, ...withRoles }
    : { kind: 'compare', strategies: [...request.strategies], scenario: request.scenario, ...withRoles };
}
