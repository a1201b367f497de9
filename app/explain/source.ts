// Where a trace comes from. The view renders a Trace and never computes kernel behaviour; a
// TraceSource says which run of the core to ask for. 'sequence' runs insmod/rmmod of chosen
// modules in the worker; 'scenario' is the slot for the core's runScenario(strategy, scenario).

export type KernelChoice = '5.4' | '6.1';

/** A module the user can insmod: a built-in sample (by id) or a file open in the inspector. */
export type ModuleRef = { kind: 'sample'; id: string } | { kind: 'file'; key: string };

export type SequenceStep = { op: 'insmod'; module: ModuleRef } | { op: 'rmmod'; name: string };

export type TraceSource =
  | { kind: 'sequence'; kernel: KernelChoice; steps: SequenceStep[]; fakeMissingSymbols: boolean }
  | { kind: 'scenario'; strategy: string; scenario: string };

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
  const ops = source.steps.map((s) => (s.op === 'insmod' ? `insmod ${moduleName(s.module)}` : `rmmod ${s.name}`));
  return `${ops.join(', ')} on ${source.kernel}`;
}

// Permalink form: ?view=explain&kernel=6.1&seq=insmod:sample:klp_demo_target,rmmod:klp_demo_target&step=24
export function sourceToParams(source: TraceSource, params: URLSearchParams): void {
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
  if (strategy && scenario) return { kind: 'scenario', strategy, scenario };
  const seq = params.get('seq');
  if (seq === null) return undefined;
  const kernel: KernelChoice = params.get('kernel') === '5.4' ? '5.4' : '6.1';
  const steps: SequenceStep[] = [];
  for (const item of seq.split(',').filter(Boolean)) {
    const [op, name] = item.split(':');
    if (!name) continue;
    if (op === 'insmod') steps.push({ op: 'insmod', module: { kind: 'sample', id: name } });
    else if (op === 'rmmod') steps.push({ op: 'rmmod', name });
  }
  return { kind: 'sequence', kernel, steps, fakeMissingSymbols: params.get('fake') === '1' };
}
