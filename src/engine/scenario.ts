// Runs one scenario under one strategy on a set of modules: the strategy's policy (a design that
// would not let the scenario happen says why), its repackaging of the livepatch, then a fresh
// emulated kernel, the scenario's operations in order, and the trace of everything it did.
// run.ts calls it for a RunRequest of kind 'scenario' or 'compare'.

import type { ElfObject } from '../elf/types.ts';
import type { KallsymsEntry } from '../kernel/kallsyms.ts';
import { Kernel } from '../kernel/kernel.ts';
import { klp_disable_patch } from '../kernel/livepatch/core.ts';
import { delete_module, load_module } from '../kernel/module/main.ts';
import { type KernelId, profiles } from '../kernel/profile.ts';
import { klpPatchLayout } from '../klp_packaging/layout.ts';
import { packageKlpText, packageSplit } from '../klp_packaging/package.ts';
import { decodePlainModule } from '../module_file.ts';
import type { SplitPackaging } from '../reconstructions/split.ts';
import { type Role, type Scenario, type ScenarioId, type ScenarioOp, scenarioById } from '../scenarios/scenarios.ts';
import { strategyHooks } from '../strategies/hooks.ts';
import { type Strategy, type StrategyId, strategyById } from '../strategies/strategies.ts';
import type { Trace } from '../trace/types.ts';
import type { ModuleFile } from './modules.ts';
import type { RoleModules } from './request.ts';

/** The decoded module of each role a scenario uses. */
type ScenarioModules = RoleModules<ModuleFile>;

export interface OpOutcome {
  op: ScenarioOp;
  module: string;
  ok: boolean;
  errno?: string;
  message?: string;
  /** The failure follows from a reconstruction's own choice (LoadError.reconstructionChoice). */
  choice?: string;
  /** Index of the step that starts this operation. */
  step: number;
}

/** What the design makes of the monolithic livepatch, for the user to see. */
export type Packaging =
  | { kind: 'klp-text'; sections: Array<{ object: string; section: string; size: number; functions: string[] }> }
  | { kind: 'split'; modules: Array<{ name: string; objects: string[]; functions: string[] }> };

export type ScenarioRun =
  | {
      kind: 'trace';
      strategy: Strategy;
      scenario: Scenario;
      trace: Trace;
      outcomes: OpOutcome[];
      packaging?: Packaging;
    }
  | { kind: 'refused'; strategy: Strategy; scenario: Scenario; reason: string };

const moduleName = (f: ModuleFile) =>
  f.elf.modinfo.find((e) => e.key === 'name')?.value ?? f.fileName.replace(/\.ko.*$/, '');

/**
 * What is derived from a module's contents alone (the objects a patch patches, a design's
 * repackaging) is computed once per decoded module (its object is its identity), however many
 * scenarios run on it. The emulated kernel never writes into the modules it is given, so the
 * results can be shared between runs.
 */
function memoByElf<T>(fn: (f: ModuleFile) => T): (f: ModuleFile) => T {
  const cache = new WeakMap<ElfObject, T>();
  return (f) => {
    let v = cache.get(f.elf);
    if (v === undefined) cache.set(f.elf, (v = fn(f)));
    return v;
  };
}

/** The module objects a patch patches: its struct klp_patch's, else those its .klp.rela sections name. */
const patchObjects = memoByElf((f): ReadonlySet<string> => {
  try {
    return new Set(klpPatchLayout(f.bytes, f.elf).objects.flatMap((o) => (o.name ? [o.name] : [])));
  } catch {
    return new Set(f.elf.relocations.flatMap((r) => (r.klp && r.klp.object !== 'vmlinux' ? [r.klp.object] : [])));
  }
});

const opLabel = (op: ScenarioOp, f: ModuleFile) =>
  op.op === 'insmod'
    ? `insmod ${f.fileName}`
    : op.op === 'rmmod'
      ? `rmmod ${moduleName(f)}`
      : `echo 0 > /sys/kernel/livepatch/${moduleName(f)}/enabled`;

/**
 * The operations a never-merged policy turns the scenario into, or why it would not let the
 * scenario happen. forbid-late: a patch module depends on its targets, so modprobe loads
 * missing targets before it, a target can no longer arrive after its patch, and it cannot leave
 * while the patch holds it. deny-unload: a patched module cannot be removed.
 */
function applyPolicy(strategy: Strategy, scenario: Scenario, mods: ScenarioModules): ScenarioOp[] | string {
  const loaded = new Set<string>();
  const patches: ModuleFile[] = [];
  const ops: ScenarioOp[] = [];
  const roleOf = (name: string) => (Object.keys(mods) as Role[]).find((r) => moduleName(mods[r]!) === name);
  for (const op of scenario.ops) {
    const f = mods[op.role]!;
    const name = moduleName(f);
    if (op.op === 'insmod') {
      if (strategy.forbidLate && loaded.has(name))
        return `${strategy.id} refuses ${scenario.id}: ${name} was already loaded as a dependency of ${patches.map(moduleName).join(', ')} — a target cannot arrive after its patch in this design`;
      if (strategy.forbidLate && (op.role === 'P' || op.role === 'R')) {
        for (const o of patchObjects(f)) {
          const role = roleOf(o);
          if (loaded.has(o) || !role) continue;
          ops.push({ op: 'insmod', role, dependency: name });
          loaded.add(o);
        }
      }
      loaded.add(name);
      if (op.role === 'P' || op.role === 'R') patches.push(f);
    } else if (op.op === 'rmmod') {
      const by = patches.filter((p) => patchObjects(p).has(name));
      if (strategy.denyUnload && by.length)
        return `${strategy.id} refuses ${scenario.id}: ${name} is patched by ${by.map(moduleName).join(', ')} and cannot be removed in this design`;
      if (strategy.forbidLate && by.length)
        return `${strategy.id} refuses ${scenario.id}: ${name} is in use by ${by.map(moduleName).join(', ')}, which depends on it — it cannot be removed while patched in this design`;
      loaded.delete(name);
      const i = patches.indexOf(f);
      if (i >= 0) patches.splice(i, 1);
    }
    ops.push(op);
  }
  return ops;
}

export function runScenario(
  strategyId: StrategyId,
  scenarioId: ScenarioId,
  mods: ScenarioModules,
  vmlinux: KallsymsEntry[],
  /** A kernel profile to run the strategy on instead of its own. */
  kernelId?: KernelId,
): ScenarioRun {
  // (mods may be replaced by the design's repackaging below)
  const strategy = strategyById(strategyId);
  const scenario = scenarioById(scenarioId);
  if (!strategy) throw new Error(`unknown strategy ${strategyId}`);
  if (!scenario) throw new Error(`unknown scenario ${scenarioId}`);
  const missing = [...new Set(scenario.ops.map((o) => o.role))].filter((r) => !mods[r]);
  if (missing.length)
    return {
      kind: 'refused',
      strategy,
      scenario,
      reason: `${scenario.id} needs module(s) for ${missing.join(', ')} (T, T2: targets; P: the livepatch; R: a replacing livepatch)`,
    };
  if (strategy.notYet) return { kind: 'refused', strategy, scenario, reason: `${strategy.id}: ${strategy.notYet}` };
  const kernel = kernelId ?? strategy.kernel;
  // the .klp.text and split reconstructions hook the core/init layouts (frob_text(), module_alloc())
  if ((strategy.packaging || strategy.klpTextHooks) && profiles[kernel].moduleMemory)
    return {
      kind: 'refused',
      strategy,
      scenario,
      reason: `${strategy.id} reconstructs a design on the core/init module layout (≤ 6.3); kernel ${kernel} allocates per MOD_* type`,
    };
  const ops = applyPolicy(strategy, scenario, mods);
  if (typeof ops === 'string') return { kind: 'refused', strategy, scenario, reason: ops };

  let packaged: ReturnType<typeof repackage>;
  try {
    packaged = repackage(strategy, scenario, mods);
  } catch (e) {
    // a module this design cannot be derived from (klp_packaging states its limits)
    return {
      kind: 'refused',
      strategy,
      scenario,
      reason: `${strategy.id} cannot repackage ${mods.P!.fileName}: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  if (typeof packaged === 'string') return { kind: 'refused', strategy, scenario, reason: packaged };
  const { modules, packaging, split } = packaged;
  mods = modules;
  const hooks = strategyHooks(strategy, split);
  const k = new Kernel({ kernel, vmlinux, ...(hooks ? { hooks } : {}) });
  const outcomes: OpOutcome[] = [];
  for (const op of ops) {
    const f = mods[op.role]!;
    const step = k.trace.trace.steps.length;
    const label =
      op.op === 'insmod' && op.dependency
        ? `modprobe ${op.dependency}: first its dependency ${moduleName(f)} (reconstruction)`
        : opLabel(op, f);
    k.trace.call('scenario', () => k.trace.step(label, { module: moduleName(f) }));
    const result =
      op.op === 'insmod'
        ? (load_module(k, f.bytes, f.elf).error ?? null)
        : op.op === 'rmmod'
          ? delete_module(k, moduleName(f))
          : klp_disable_patch(k, moduleName(f));
    outcomes.push(
      result
        ? {
            op,
            module: moduleName(f),
            ok: false,
            errno: result.errnoName,
            message: result.message,
            ...(result.reconstructionChoice ? { choice: result.reconstructionChoice } : {}),
            step,
          }
        : { op, module: moduleName(f), ok: true, step },
    );
  }
  return { kind: 'trace', strategy, scenario, trace: k.trace.trace, outcomes, ...(packaging ? { packaging } : {}) };
}

function decoded(bytes: Uint8Array, fileName: string): ModuleFile {
  const d = decodePlainModule(bytes, fileName);
  if (!d.ok) throw new Error(`${fileName}: ${d.error.message}`);
  return { fileName, bytes, elf: d.elf };
}

const klpTextOf = memoByElf((f) => {
  const p = packageKlpText(f.bytes, f.elf);
  return {
    file: decoded(p.bytes, f.fileName),
    sections: p.sections.map((s) => ({ object: s.object, section: s.section, size: s.size, functions: s.functions })),
  };
});

const splitOf = memoByElf((P) => {
  const s = packageSplit(P.bytes, P.elf);
  const main = s.modules.find((m) => m.main)!;
  const subs = s.modules.filter((m) => !m.main);
  return {
    main: decoded(main.bytes, P.fileName),
    split: {
      patch: s.patchName,
      subModules: subs.map((m) => ({
        name: m.name,
        object: m.objects[0]!.object,
        bytes: m.bytes,
        elf: decoded(m.bytes, `${m.name}.ko`).elf,
      })),
    },
    packaging: {
      kind: 'split' as const,
      modules: s.modules.map((m) => ({
        name: m.name,
        objects: m.objects.map((o) => o.object),
        functions: m.objects.flatMap((o) => o.funcs.map((f) => f.old_name)),
      })),
    },
  };
});

/** The modules this design would have the user load, derived from the monolithic livepatch(es). */
function repackage(
  strategy: Strategy,
  scenario: Scenario,
  mods: ScenarioModules,
): string | { modules: ScenarioModules; packaging?: Packaging; split?: SplitPackaging } {
  if (!strategy.packaging) return { modules: mods };
  const P = mods.P!;
  if (strategy.packaging === 'klp-text') {
    const out: ScenarioModules = { ...mods };
    let packaging: Packaging | undefined;
    for (const role of ['P', 'R'] as Role[]) {
      const f = mods[role];
      if (!f) continue;
      const p = klpTextOf(f);
      out[role] = p.file;
      if (role === 'P') packaging = { kind: 'klp-text', sections: p.sections };
    }
    return { modules: out, ...(packaging ? { packaging } : {}) };
  }
  if (scenario.ops.some((o) => o.role === 'R'))
    return `${strategy.id} refuses ${scenario.id}: atomic replace would have to become per-object, which the POC did not work out`;
  const { main, split, packaging } = splitOf(P);
  return { modules: { ...mods, P: main }, split, packaging };
}
