// The timeline's structure, derived from step paths and 'state' events: which kernel phase
// each step belongs to (a marker where one begins) and each module's state over the steps.
import type { ModuleState, Step, Trace } from './types.ts';

/**
 * Functions that name a phase of loading, unloading or patching, as the kernel's own code is
 * organised (load_module() calls them in this order). The deepest one on a step's path wins,
 * so `post_relocation › module_finalize › …` is in module_finalize.
 */
const PHASE_FUNCTIONS: readonly string[] = [
  'layout_and_allocate',
  'add_unformed_module',
  'simplify_symbols',
  'apply_relocations',
  'post_relocation',
  'module_finalize',
  'ftrace_module_init',
  'complete_formation',
  'prepare_coming_module',
  'klp_module_coming',
  'do_init_module',
  'klp_enable_patch',
  'klp_module_going',
  'klp_disable_patch',
  'delete_module',
  'free_module',
];
const PHASE_SET = new Set(PHASE_FUNCTIONS);

/** The phase a step belongs to: the deepest phase function on its path, else its top function. */
export function phaseOf(step: Step): string {
  for (let i = step.path.length - 1; i >= 0; i--) if (PHASE_SET.has(step.path[i]!)) return step.path[i]!;
  return step.path[0] ?? '(kernel)';
}

export interface PhaseRun {
  /** Phase function, e.g. "apply_relocations". */
  phase: string;
  /** Module the steps act on, when known. */
  module?: string | undefined;
  /** First step and one past the last. */
  from: number;
  to: number;
}

/** Consecutive steps of one phase (and module) form a run; a new load starts new runs. */
export function phaseRuns(trace: Trace): PhaseRun[] {
  const runs: PhaseRun[] = [];
  for (const step of trace.steps) {
    const phase = phaseOf(step);
    const top = step.path[0];
    // A load's first steps do not name the module yet: a new top-level call starts a new run.
    const fresh = step.index > 0 && step.path.length <= 2 && top !== trace.steps[step.index - 1]!.path[0];
    const last = runs.at(-1);
    if (
      last &&
      last.phase === phase &&
      !fresh &&
      (step.module === undefined || last.module === undefined || last.module === step.module)
    ) {
      last.to = step.index + 1;
      last.module ??= step.module;
    } else {
      runs.push({ phase, module: step.module, from: step.index, to: step.index + 1 });
    }
  }
  return runs;
}

export interface StateBand {
  module: string;
  state: ModuleState;
  /** First step in this state (the step of the state event) and one past the last. */
  from: number;
  to: number;
}

/** Each module's state over the trace: one band per state it held, from its 'state' events. */
export function stateBands(trace: Trace): { modules: string[]; bands: StateBand[] } {
  const modules: string[] = [];
  const open = new Map<string, StateBand>();
  const bands: StateBand[] = [];
  const end = trace.steps.length;
  for (const step of trace.steps)
    for (const e of step.events) {
      if (e.kind !== 'state') continue;
      if (!modules.includes(e.module)) modules.push(e.module);
      const prev = open.get(e.module);
      if (prev && prev.state === e.to) continue;
      if (prev) prev.to = step.index;
      if (e.to === 'GONE') {
        open.delete(e.module);
        continue;
      }
      const band: StateBand = { module: e.module, state: e.to, from: step.index, to: end };
      bands.push(band);
      open.set(e.module, band);
    }
  return { modules, bands: bands.filter((b) => b.to > b.from) };
}
