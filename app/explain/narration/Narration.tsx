// Beside the map: the current step's call path, title, why it matters, what changed (from the
// step's events), and the kernel source at the pinned version.
import { useMemo } from 'react';
import { hex0x } from '../../../src/format/hex.ts';
import { PermCode } from '../../../src/trace/perm_code.ts';
import { moduleStateName } from '../../../src/trace/phases.ts';
import { stepSourceLink } from '../../../src/trace/source_link.ts';
import {
  allocText,
  FLUSH_TEXT,
  type FlipSummary,
  flipLabel,
  summarizeStep,
  WRITE_PATH_TEXT,
} from '../../../src/trace/step_summary.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { WHY } from '../../../src/trace/why.ts';
import { useExplain } from '../state/explain_store.ts';
import { traceModel } from '../state/model.ts';

/** A step whose source is a reconstruction of a proposal (no kernel code): its `source.file` says so. */
const isReconstruction = (step: { source?: { file: string } }) => /reconstruction/i.test(step.source?.file ?? '');

/**
 * `step` overrides the explainer's current step (comparison columns); `note` is shown above the
 * call path (e.g. "no equivalent step in this design"); `of` names whose step it is, so that several
 * narrations on one page (a comparison) are distinct landmarks.
 */
export function Narration({
  trace,
  step: stepProp,
  note,
  of,
}: {
  trace: Trace;
  step?: number;
  note?: React.ReactNode;
  of?: string;
}) {
  const model = traceModel(trace);
  const storeStep = useExplain((s) => s.step);
  const index = stepProp ?? storeStep;
  const step = trace.steps[index];
  const summary = useMemo(() => (step ? summarizeStep(model.trace, step, model.map) : null), [step, model]);
  if (!step || !summary) return null;
  const reconstruction = isReconstruction(step);
  const link = reconstruction ? undefined : stepSourceLink(step, trace.kernel);
  const fn = step.source?.fn ?? step.path.at(-1) ?? '';
  const why = WHY[fn] ?? WHY[step.path.at(-1) ?? ''];
  const rwxPages = (model.map.perms[index] ?? []).reduce((n, p) => n + p.filter((c) => c === PermCode.RWX).length, 0);
  return (
    <section
      className="narration"
      aria-label={of ? `What this step does in ${of}` : 'What this step does'}
      data-testid="narration"
    >
      {note}
      <p className="call-path mono" data-testid="call-path">
        {step.path.map((f, i) => (
          <span key={i}>
            {i > 0 && <span className="sep"> › </span>}
            <span className={i === step.path.length - 1 ? 'leaf' : undefined}>{f}</span>
          </span>
        ))}
      </p>
      <h2 data-testid="step-title">
        {reconstruction && (
          <span
            className="recon-badge"
            data-testid="reconstruction-badge"
            title={`${step.source!.file}: modelled from the mailing-list description, never merged`}
          >
            reconstruction
          </span>
        )}{' '}
        {step.module && <span className="module-chip mono">{step.module}</span>} {step.title}
      </h2>
      {why && <p className="why">{why}</p>}
      {rwxPages > 0 ? (
        <p className="alarm-box" role="alert" data-testid="rwx-alarm">
          <b>RWX!</b> {rwxPages} page{rwxPages === 1 ? ' is' : 's are'} writable and executable at this step: W^X is
          broken.
        </p>
      ) : null}
      {model.audit.verdicts.some((v) => v.step === index) && (
        <ul className="verdicts" data-testid="verdicts">
          {model.audit.verdicts
            .filter((v) => v.step === index)
            .map((v, i) => (
              <li key={i}>
                <b>{v.kind}</b> {v.text}
              </li>
            ))}
        </ul>
      )}
      <Changes summary={summary} />
      {reconstruction && (
        <p className="source-link muted" data-testid="reconstruction-source">
          No kernel source: {step.source!.file}. This step models a design described on the mailing list that was never
          merged.
        </p>
      )}
      {link && (
        <p className="source-link">
          <a href={link.url} target="_blank" rel="noreferrer noopener" data-testid="source-link">
            {fn}() — {link.label}
          </a>
          {!link.exact && <span className="muted"> (not a kernel function: the file at this version)</span>}
          <span className="muted"> at {trace.kernel}</span>
        </p>
      )}
    </section>
  );
}

function Changes({ summary: s }: { summary: ReturnType<typeof summarizeStep> }) {
  const items: React.ReactNode[] = [];
  for (const a of s.allocs)
    items.push(
      <li key={`a${a.base}`} className={a.boot ? 'boot' : undefined}>
        {allocText(a)}
      </li>,
    );
  if (s.copies.length) {
    const names = s.copies.map((c) => c.section);
    items.push(
      <li key="copy">
        copied {s.copies.length} section{s.copies.length === 1 ? '' : 's'} ({s.copies.filter((c) => c.nobits).length}{' '}
        NOBITS zeroed): <code>{names.slice(0, 8).join(' ')}</code>
        {names.length > 8 ? ` … +${names.length - 8}` : ''}
      </li>,
    );
  }
  for (const w of s.writesByPath)
    items.push(
      <li key={`w${w.path}`} className={w.path === 'text_poke' ? 'poke' : undefined}>
        <b>{w.count}</b> write{w.count === 1 ? '' : 's'} via <code>{w.path}</code>
        {w.relocations ? ` (${w.relocations} relocation${w.relocations === 1 ? '' : 's'})` : ''} —{' '}
        <span className="muted">{WRITE_PATH_TEXT[w.path]}</span>
      </li>,
    );
  s.flips.forEach((f, i) => items.push(<FlipItem key={`f${i}`} flip={f} />));
  for (const y of s.syncs)
    items.push(
      <li key={`s${y.why}`} className="sync">
        <b>{y.fn}()</b>: IPI to every CPU to serialise their instruction streams — {y.why}
      </li>,
    );
  for (const st of s.states)
    items.push(
      <li key={`st${st.module}${st.to}`}>
        state: <b>{st.module}</b> {moduleStateName(st.from)} → <b>{moduleStateName(st.to)}</b>
      </li>,
    );
  for (const f of s.frees)
    items.push(
      <li key={`fr${f.base}`}>
        vfree:{' '}
        <b>
          {f.module} {f.region}
        </b>{' '}
        at <code>{hex0x(f.base)}</code> — the pages are gone
      </li>,
    );
  if (s.symbols)
    items.push(
      <li key="sym">
        {s.symbols} symbol{s.symbols === 1 ? '' : 's'} resolved
      </li>,
    );
  return (
    <>
      {items.length > 0 ? (
        <ul className="changes" data-testid="changes">
          {items}
        </ul>
      ) : (
        <p className="muted">No memory or state change in this step.</p>
      )}
      {s.printk.length > 0 && (
        <pre className="printk" data-testid="printk">
          {s.printk.map((p) => `[${p.level}] ${p.text}`).join('\n')}
        </pre>
      )}
      {s.faults.map((f, i) => (
        <pre key={i} className="oops" data-testid="oops">
          {f.oops.join('\n')}
        </pre>
      ))}
    </>
  );
}

function FlipItem({ flip: f }: { flip: FlipSummary }) {
  const byChange = new Map<string, string[]>();
  for (const c of f.changed) {
    const k = flipLabel(c.from, c.to);
    byChange.set(k, [...(byChange.get(k) ?? []), `${c.module} ${c.region} page ${c.page}`]);
  }
  return (
    <li className={f.changed.length ? 'flip' : 'flip none'} data-testid="flip">
      <code>
        {f.fn}({hex0x(f.addr)}, {f.pages})
      </code>
      :{' '}
      {f.changed.length === 0
        ? 'no PTE changed'
        : [...byChange].map(([k, pages]) => (
            <span key={k}>
              <b>{k}</b> {pages.slice(0, 4).join(', ')}
              {pages.length > 4 ? ` … +${pages.length - 4}` : ''}{' '}
            </span>
          ))}
      {f.changed.length > 0 && <span className="tlb"> · {FLUSH_TEXT[f.flush]}</span>}
    </li>
  );
}
