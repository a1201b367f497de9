// Every way the real kernel and the emulation differ, in the recording's order: the kind, the step
// on each side, one line, and why when the difference is expected. A click moves the shared cursor
// to that row (the recording's step, else the emulation's).
import type { Divergence } from '../../../src/recording/diff.ts';
import { compareStore, useCompare } from '../compare/compare_store.ts';
import { rowOfDivergence } from '../compare/rows.ts';

const KIND_TEXT: Record<Divergence['kind'], string> = {
  permission: 'permission',
  'write-path': 'write path',
  order: 'order',
  error: 'error',
  missing: 'not emulated',
  extra: 'only emulated',
  address: 'address',
};

export function DivergenceList({ divergences }: { divergences: Divergence[] }) {
  const al = useCompare((s) => s.alignment);
  const row = useCompare((s) => s.row);
  if (!al) return null;
  const known = divergences.filter((d) => d.known).length;
  return (
    <section className="divergences" data-testid="divergence-list" aria-label="Divergences from the emulation">
      <h2>
        {divergences.length === 0
          ? 'The real kernel and the emulation do the same to memory.'
          : `${divergences.length} divergence${divergences.length === 1 ? '' : 's'} from the emulation`}
        {divergences.length > 0 && (
          <span className="muted">
            {' '}
            — {divergences.length - known} to look at, {known} known and explained
          </span>
        )}
      </h2>
      <ol>
        {divergences.map((d, i) => {
          const at = rowOfDivergence(al, d);
          return (
            <li key={i} className={`divergence kind-${d.kind}${d.known ? ' known' : ''}${at === row ? ' here' : ''}`}>
              <button
                type="button"
                data-testid="divergence"
                data-kind={d.kind}
                aria-current={at === row ? 'step' : undefined}
                title="Show this row"
                onClick={() => compareStore.getState().seek(at)}
              >
                <span className="divergence-kind">{KIND_TEXT[d.kind]}</span>
                <span className="divergence-steps mono">
                  real {d.real ?? '–'} · emulated {d.emulated ?? '–'}
                </span>
                <span className="divergence-text">{d.text}</span>
                {d.known && (
                  <span className="divergence-known" title={d.known}>
                    known: {d.known}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
