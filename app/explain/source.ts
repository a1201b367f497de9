// Where a trace comes from. The view renders a Trace and never computes kernel behaviour; a
// TraceSource says which run of the core to ask for. 'sequence' runs insmod/rmmod of chosen
// modules in the worker; 'scenario' is the slot for the core's runScenario(strategy, scenario).

export type KernelChoice = '5.4' | '6.1' | '6.3' | '6.4';
export const KERNEL_CHOICES: ReadonlyArray<{ id: KernelChoice; label: string; title: string }> = [
  { id: '5.4', label: '5.4', title: 'v5.4: plain stores, module_disable_ro() for late livepatch relocations' },
  { id: '6.1', label: '6.1', title: 'v6.1.192: text_poke() for late relocations (5.8+)' },
  { id: '6.3', label: '6.3', title: '6.1 plus 6.3’s clearing of livepatch relocations when a target unloads' },
  { id: '6.4', label: '6.4+ module_memory', title: 'v6.12: one allocation per MOD_* memory type (6.4+)' },
];

/** A module the user can insmod: a built-in sample (by id) or a file open in the inspector. */
export type ModuleRef = { kind: 'sample'; id: string } | { kind: 'file'; key: string };

export type SequenceStep = { op: 'insmod'; module: ModuleRef } | { op: 'rmmod'; name: string };

export type TraceSource =
  | { kind: 'sequence'; kernel: KernelChoice; steps: SequenceStep[]; fakeMissingSymbols: boolean }
  | { kind: 'scenario'; strategy: string; scenario: string; roles?: ScenarioRoles | undefined }
  /** Several strategies over one scenario, side by side with one cursor. */
  | { kind: 'compare'; strategies: string[]; scenario: string; roles?: ScenarioRoles | undefined };

/** The modules a scenario runs on, per role (P patch, T/T2 targets, R replacement); a missing role is its built-in sample. */
export type ScenarioRoles = Partial<Record<'T' | 'T2' | 'P' | 'R', ModuleRef>>;

/** The comparison the issue asks for first: what did 5.8 change for late module patching? */
export const DEFAULT_COMPARE: TraceSource = {
  kind: 'compare',
  strategies: ['v5.4-flip', 'text-poke'],
  scenario: 'late-load',
};

/** The default: the sample target, then the sample livepatch of it, on 6.1. */
export const DEFAULT_SOURCE: TraceSource = {
  kind: 'sequence',
  kernel: '6.1',
  fakeMissingSymbols: false,
  steps: [
    { op: 'insmod', module: { kind: 'sample', id: 'klp_demo_target' } },
    { op: 'insmod', module: { kind: 'sample', id: 'klp_demo_patch' } },
  ],
};

export interface RunOutcome {
  what: string;
  ok: boolean;
  message?: string;
}

/** "insmod klp_demo_target, insmod klp_demo_patch (6.1)" */
export function describeSource(source: TraceSource, moduleName: (m: ModuleRef) => string): string {
  if (source.kind === 'scenario') return `${source.strategy}: ${source.scenario}`;
  if (source.kind === 'compare') return `${source.strategies.join(' vs ')}: ${source.scenario}`;
  const ops = source.steps.map((s) => (s.op === 'insmod' ? `insmod ${moduleName(s.module)}` : `rmmod ${s.name}`));
  return `${ops.join(', ')} on ${source.kernel}`;
}

// Permalink form: ?view=explain&kernel=6.1&seq=insmod:sample:klp_demo_target,rmmod:klp_demo_target&step=24
export function sourceToParams(source: TraceSource, params: URLSearchParams): void {
  if (source.kind === 'compare') {
    for (const k of ['kernel', 'seq', 'fake', 'strategy', 'step']) params.delete(k);
    params.set('compare', source.strategies.join(','));
    params.set('scenario', source.scenario);
    return;
  }
  params.delete('compare');
  params.delete('row');
  if (source.kind !== 'sequence') {
    for (const k of ['kernel', 'seq', 'fake']) params.delete(k);
    params.set('strategy', source.strategy);
    params.set('scenario', source.scenario);
    return;
  }
  params.delete('strategy');
  params.delete('scenario');
  params.set('kernel', source.kernel);
  const seq = source.steps
    .map((s) => (s.op === 'rmmod' ? `rmmod:${s.name}` : s.module.kind === 'sample' ? `insmod:${s.module.id}` : ''))
    .filter(Boolean);
  params.set('seq', seq.join(','));
  if (source.fakeMissingSymbols) params.set('fake', '1');
  else params.delete('fake');
}

/** The sequence in the URL, if any (files opened by the user cannot be in a permalink). */
export function sourceFromParams(params: URLSearchParams): TraceSource | undefined {
  const strategy = params.get('strategy');
  const scenario = params.get('scenario');
  const compare = params.get('compare');
  if (compare !== null)
    return { kind: 'compare', strategies: compare.split(',').filter(Boolean), scenario: scenario ?? 'late-load' };
  if (strategy && scenario) return { kind: 'scenario', strategy, scenario };
  const seq = params.get('seq');
  if (seq === null) return undefined;
  const kernel: KernelChoice = KERNEL_CHOICES.find((k) => k.id === params.get('kernel'))?.id ?? '6.1';
  const steps: SequenceStep[] = [];
  for (const item of seq.split(',').filter(Boolean)) {
    const [op, name] = item.split(':');
    if (!name) continue;
    if (op === 'insmod') steps.push({ op: 'insmod', module: { kind: 'sample', id: name } });
    else if (op === 'rmmod') steps.push({ op: 'rmmod', name });
  }
  return { kind: 'sequence', kernel, steps, fakeMissingSymbols: params.get('fake') === '1' };
}
