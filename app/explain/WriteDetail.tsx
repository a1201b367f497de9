// The selected write: relocation (type, symbol, S, A, P, value), bytes before/after, the write
// path and the page's permission at that moment (replayed up to the event).
import { PAGE_SIZE, PERM_LABEL, PermCode, permCode } from '../../src/trace/page_map.ts';
import { WRITE_PATH_TEXT } from '../../src/trace/step_summary.ts';
import type { Trace } from '../../src/trace/types.ts';
import { traceModel, type TraceModel } from './model.ts';
import { explainStore, useExplain } from './store.ts';
import { bytesHex, placeLabel, relocName, writeRef, type WriteRef } from './writes.ts';

const hex = (v: bigint) => `0x${(v < 0n ? v + (1n << 64n) : v).toString(16)}`;
const signed = (v: bigint) => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

export function WriteDetail({ trace }: { trace: Trace }) {
  const model = traceModel(trace);
  const selection = useExplain((s) => s.selection);
  if (selection.kind !== 'write') return null;
  const ref = writeRef(trace, model.map, selection.step, selection.event);
  if (!ref) return null;
  const w = ref.write;
  const c = w.cause;
  const perm = permAtEvent(model, ref);
  return (
    <section className="write-detail" data-testid="write-detail" aria-label="Selected write">
      <header>
        <h3>
          Write at <code>{ref.region ? `${ref.region.region.module} ` : ''}{placeLabel(ref)}</code>{' '}
          <span className="muted">(step {ref.step})</span>
        </h3>
        <button type="button" className="close" aria-label="Close write detail" onClick={() => explainStore.getState().select({ kind: 'none' })}>×</button>
      </header>
      <dl>
        {c ? (
          <>
            <dt>relocation</dt>
            <dd className="mono" data-testid="wd-type">{relocName(c.type)} <span className="muted">({c.relsecName} #{c.entry})</span></dd>
            <dt>symbol</dt>
            <dd className="mono" data-testid="wd-symbol">{c.symbol || '(section symbol)'}</dd>
            <dt title="resolved symbol value">S</dt>
            <dd className="mono" data-testid="wd-S">{hex(c.S)}</dd>
            <dt title="addend">A</dt>
            <dd className="mono" data-testid="wd-A">{signed(c.A)}</dd>
            <dt title="place: the address written">P</dt>
            <dd className="mono" data-testid="wd-P">{hex(c.P)}</dd>
            <dt>value</dt>
            <dd className="mono" data-testid="wd-value">{hex(c.value)} <span className="muted">{formula(c.type)}</span></dd>
          </>
        ) : (
          <>
            <dt>what</dt>
            <dd>{w.what ?? 'write'}</dd>
          </>
        )}
        <dt>address</dt>
        <dd className="mono">{hex(w.addr)}</dd>
        <dt>before</dt>
        <dd className="mono bytes" data-testid="wd-before">{bytesHex(w.old)}</dd>
        <dt>after</dt>
        <dd className="mono bytes" data-testid="wd-after">{bytesHex(w.new)}</dd>
        <dt>path</dt>
        <dd data-testid="wd-path"><code>{w.path}</code> — {WRITE_PATH_TEXT[w.path]}</dd>
        <dt>page</dt>
        <dd data-testid="wd-perm">
          <b className={perm === PermCode.RWX ? 'alarm-text' : undefined}>{PERM_LABEL[perm]}</b>{' '}
          <span className="muted">at the moment of the write{ref.region ? ` (page ${Math.floor(ref.offset / PAGE_SIZE)} of ${ref.region.region.name})` : ''}</span>
        </dd>
      </dl>
    </section>
  );
}

function formula(type: number): string {
  const name = relocName(type);
  if (/PC|PLT/.test(name)) return '= S + A − P';
  if (name === 'R_X86_64_64' || name === 'R_X86_64_32' || name === 'R_X86_64_32S') return '= S + A';
  return '';
}

/** The page's permission just before the event: the previous step's snapshot plus this step's earlier perm events. */
function permAtEvent(model: TraceModel, ref: WriteRef): PermCode {
  if (!ref.region) return PermCode.None;
  const page = Math.floor(ref.offset / PAGE_SIZE);
  const pageAddr = ref.region.region.base + BigInt(page * PAGE_SIZE);
  const prior = ref.region.allocStep < ref.step ? model.map.perms[ref.step - 1]?.[ref.region.id]?.[page] : undefined;
  let code = (prior ?? PermCode.RW) as PermCode;
  const events = model.trace.steps[ref.step]?.events ?? [];
  for (let i = 0; i < ref.event; i++) {
    const e = events[i]!;
    if (e.kind === 'alloc' && e.region.base === ref.region.region.base) code = permCode(e.perm);
    if (e.kind === 'perm') for (const ch of e.changed) if (ch.page === pageAddr) code = permCode(ch.to);
  }
  return code;
}
