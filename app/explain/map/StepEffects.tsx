// Banners over the map for effects that are not pages: TLB shootdowns and text_poke_sync/run_sync IPIs
// of the current step. Keyed by step so they replay their entrance when the step changes.

import { writeStats } from '../../../src/trace/events.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { useExplain } from '../state/explain_store.ts';

export function StepEffects({ trace, step: stepProp }: { trace: Trace; step?: number }) {
  const storeStep = useExplain((s) => s.step);
  const index = stepProp ?? storeStep;
  const step = trace.steps[index];
  if (!step) return null;
  const flushes = step.events.flatMap((e) => (e.kind === 'perm' && e.flush !== 'none' ? [e] : []));
  const syncs = step.events.flatMap((e) => (e.kind === 'sync' ? [e] : []));
  const pokes = writeStats(trace, step).byPath.find((b) => b.path === 'text_poke')?.count ?? 0;
  if (!flushes.length && !syncs.length && !pokes) return null;
  const all = flushes.some((f) => f.flush === 'flush_tlb_all');
  return (
    <div className="step-effects" key={index} data-testid="step-effects">
      {flushes.length > 0 && (
        <span className="effect tlb" data-testid="effect-tlb">
          ⚡ TLB shootdown ×{flushes.length}: {all ? 'flush_tlb_all()' : 'flush_tlb_one_kernel() per page'} — IPI to
          every CPU
        </span>
      )}
      {pokes > 0 && <span className="effect poke">✎ {pokes} text_poke() through the poking_mm alias</span>}
      {syncs.length > 0 && (
        <span className="effect sync" data-testid="effect-sync">
          ⟳ {syncs[0]!.fn}() ×{syncs.length}: IPI, every CPU serialises
        </span>
      )}
    </div>
  );
}
