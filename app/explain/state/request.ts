// What the explainer runs: a RunRequest (src/engine/request.ts) over the app's modules. The
// view renders the Trace that comes back and never computes kernel behaviour.
import type { OpenFileRef, RunRequest, SampleRef } from '../../../src/engine/request.ts';

/** A module the user can load: a built-in sample (by id) or a file open in the inspector. */
export type ModuleRef = SampleRef | OpenFileRef;

export type AppRequest = RunRequest<ModuleRef>;

/** The comparison the issue asks for first: what did 5.8 change for late module patching? */
export const DEFAULT_COMPARE: AppRequest = {
  kind: 'compare',
  strategies: ['v5.4-flip', 'text-poke'],
  scenario: 'late-load',
};

/** The default: the sample target, then the sample livepatch of it, on 6.1. */
export const DEFAULT_SOURCE: AppRequest = {
  kind: 'sequence',
  kernel: '6.1',
  fakeMissingSymbols: false,
  ops: [
    { op: 'insmod', module: { kind: 'sample', id: 'klp_demo_target' } },
    { op: 'insmod', module: { kind: 'sample', id: 'klp_demo_patch' } },
  ],
};

/** "insmod klp_demo_target, insmod klp_demo_patch (6.1)" */
export function describeSource(source: AppRequest, moduleName: (m: ModuleRef) => string): string {
  if (source.kind === 'scenario') return `${source.strategy}: ${source.scenario}`;
  if (source.kind === 'compare') return `${source.strategies.join(' vs ')}: ${source.scenario}`;
  const ops = source.ops.map((s) => (s.op === 'insmod' ? `insmod ${moduleName(s.module)}` : `rmmod ${s.name}`));
  return `${ops.join(', ')} on ${source.kernel}`;
}
