// The selected write: relocation (type, symbol, S, A, P, value), bytes before/after, the write
// path and the page's permission at that moment (replayed up to the event).

import { useEffect, useRef, useState } from 'react';
import { byteHex, bytesHex, u64Hex } from '../../../src/format/hex.ts';
import { PAGE_SIZE } from '../../../src/kernel/mm/page.ts';
import { PERM_LABEL, PermCode, permCode } from '../../../src/trace/perm_code.ts';
import { WRITE_PATH_TEXT } from '../../../src/trace/step_summary.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { writeLength } from '../../../src/trace/write_log.ts';
import { useSectionWindow } from '../../components/section_bytes.ts';
import { handleOfModule, showWriteInInspector, sourceOfModule } from '../inspector_links.ts';
import { explainStore, useExplain } from '../state/explain_store.ts';
import { type TraceModel, traceModel } from '../state/model.ts';
import { placeLabel, relocName, type WriteRef, writeRef } from './writes.ts';

const signed = (v: bigint) => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

export function WriteDetail({ trace }: { trace: Trace }) {
  const model = traceModel(trace);
  const selection = useExplain((s) => s.selection);
  const box = useRef<HTMLElement>(null);
  // A newly selected write is brought into view in the narration column (it scrolls inside itself).
  useEffect(() => {
    if (selection.kind === 'write') box.current?.scrollIntoView({ block: 'nearest' });
  }, [selection]);
  if (selection.kind !== 'write') return null;
  const ref = writeRef(trace, model.map, selection.step, selection.event);
  if (!ref) return null;
  const w = ref.write;
  const c = w.cause;
  const perm = permAtEvent(model, ref);
  return (
    <section className="write-detail" ref={box} data-testid="write-detail" aria-label="Selected write">
      <header>
        <h3>
          Write at{' '}
          <code>
            {ref.region ? `${ref.region.region.module} ` : ''}
            {placeLabel(ref)}
          </code>{' '}
          <span className="muted">(step {ref.step})</span>
        </h3>
        <button
          type="button"
          className="close"
          aria-label="Close write detail"
          onClick={() => explainStore.getState().select({ kind: 'none' })}
        >
          ×
        </button>
      </header>
      <dl>
        {c ? (
          <>
            <dt>relocation</dt>
            <dd className="mono" data-testid="wd-type">
              {relocName(c.type)}{' '}
              <span className="muted">
                ({c.relsecName} #{c.entry})
              </span>
            </dd>
            <dt>symbol</dt>
            <dd className="mono" data-testid="wd-symbol">
              {c.symbol || '(section symbol)'}
            </dd>
            <dt title="resolved symbol value">S</dt>
            <dd className="mono" data-testid="wd-S">
              {u64Hex(c.S)}
            </dd>
            <dt title="addend">A</dt>
            <dd className="mono" data-testid="wd-A">
              {signed(c.A)}
            </dd>
            <dt title="place: the address written">P</dt>
            <dd className="mono" data-testid="wd-P">
              {u64Hex(c.P)}
            </dd>
            <dt>value</dt>
            <dd className="mono" data-testid="wd-value">
              {u64Hex(c.value)} <span className="muted">{formula(c.type)}</span>
            </dd>
          </>
        ) : (
          <>
            <dt>what</dt>
            <dd>{w.what ?? 'write'}</dd>
          </>
        )}
        <dt>address</dt>
        <dd className="mono">{u64Hex(w.addr)}</dd>
        {trace.recorded ? (
          <>
            <dt>bytes</dt>
            <dd data-testid="wd-not-recorded">
              {writeLength(w)} byte{writeLength(w) === 1 ? '' : 's'}; <i>not recorded</i>{' '}
              <span className="muted">(the probes see where a write goes and how long it is, not its bytes)</span>
            </dd>
          </>
        ) : (
          <>
            {w.size !== undefined && (
              <>
                <dt>length</dt>
                <dd data-testid="wd-length">
                  {w.size.toLocaleString('en')} bytes; the first {w.new.length.toLocaleString('en')} are shown
                </dd>
              </>
            )}
            <dt>before</dt>
            <dd className="mono bytes" data-testid="wd-before">
              <Bytes bytes={w.old} />
            </dd>
            <dt>after</dt>
            <dd className="mono bytes" data-testid="wd-after">
              <Bytes bytes={w.new} />
            </dd>
          </>
        )}
        <dt>path</dt>
        <dd data-testid="wd-path">
          <code>{w.path}</code> — {WRITE_PATH_TEXT[w.path]}
        </dd>
        {!trace.recorded && (
          <>
            <dt title="the section's bytes around the site, from the file; the site before and after this write">
              context
            </dt>
            <dd>
              <ByteContext ref_={ref} />
            </dd>
          </>
        )}
        <dt>page</dt>
        <dd data-testid="wd-perm">
          <b className={perm === PermCode.RWX ? 'alarm-text' : undefined}>{PERM_LABEL[perm]}</b>{' '}
          <span className="muted">
            at the moment of the write
            {ref.region ? ` (page ${Math.floor(ref.offset / PAGE_SIZE)} of ${ref.region.region.name})` : ''}
          </span>
        </dd>
      </dl>
      <InspectorLinks ref_={ref} />
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
  let index = 0; // event index of e (writes counted one by one)
  for (const e of model.trace.steps[ref.step]?.events ?? []) {
    if (index >= ref.event) break;
    index += e.kind === 'writes' ? e.count : 1;
    if (e.kind === 'alloc' && e.region.base === ref.region.region.base) code = permCode(e.perm);
    if (e.kind === 'perm') for (const ch of e.changed) if (ch.page === pageAddr) code = permCode(ch.to);
  }
  return code;
}

/** Links to the inspector: the relocation entry, its symbol, the section's bytes at the site. */
function InspectorLinks({ ref_ }: { ref_: WriteRef }) {
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => setNote(null), [ref_.step, ref_.event]);
  const module = ref_.region?.region.module;
  const src = module ? sourceOfModule(module) : { ok: false as const, why: 'outside every module' };
  if (!src.ok)
    return (
      <p className="wd-links muted" data-testid="wd-links-none">
        Inspector: {src.why}.
      </p>
    );
  const go = (what: 'relocation' | 'symbol' | 'hex') => () => {
    setNote(null);
    void showWriteInInspector(ref_, what).then((r) => !r.ok && setNote(r.why));
  };
  const c = ref_.write.cause;
  return (
    <p className="wd-links" data-testid="wd-links">
      <span className="muted">In the inspector ({src.name}):</span>{' '}
      {c && (
        <>
          <button type="button" className="link" data-testid="wd-show-relocation" onClick={go('relocation')}>
            {c.relsecName} #{c.entry} ›
          </button>{' '}
          <button type="button" className="link" data-testid="wd-show-symbol" onClick={go('symbol')}>
            symbol ›
          </button>{' '}
        </>
      )}
      {ref_.section && (
        <button type="button" className="link" data-testid="wd-show-hex" onClick={go('hex')}>
          {ref_.section.name} in hex ›
        </button>
      )}
      {note && (
        <span className="error-text" data-testid="wd-link-note">
          {' '}
          {note}
        </span>
      )}
    </p>
  );
}

const CTX_ROW = 8;

/**
 * The section's bytes around the site as the file has them, a row of 8 per line; the rows the
 * write touches get a second line with the bytes after the write, the site highlighted.
 */
function ByteContext({ ref_ }: { ref_: WriteRef }) {
  const span = ref_.section;
  const module = ref_.region?.region.module;
  const [handle, setHandle] = useState<number | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setHandle(undefined);
    if (module)
      void handleOfModule(module).then(
        (h) => live && setHandle(h),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [module]);
  const site = span ? ref_.offset - span.offset : 0;
  // the bytes the log kept: a longer write's context is its first WRITE_BYTES_KEPT
  const len = Math.min(writeLength(ref_.write), ref_.write.new.length);
  const from = Math.max(0, Math.floor((site - 12) / CTX_ROW) * CTX_ROW);
  const to = Math.ceil((site + len + 12) / CTX_ROW) * CTX_ROW;
  const reply = useSectionWindow(
    span && !span.nobits && handle !== undefined ? handle : undefined,
    span?.sectionIndex,
    from,
    to - from,
  );
  if (!span) return <span className="muted">not inside a section of the file</span>;
  if (span.nobits) return <span className="muted">{span.name} is SHT_NOBITS: zero-filled, not in the file</span>;
  if (!module || (handle === undefined && !sourceOfModule(module).ok))
    return <span className="muted">no file to read it from (a module derived by the design)</span>;
  if (!reply) return <span className="muted">…</span>;
  if ('error' in reply) return <span className="error-text">{reply.error}</span>;
  if (reply.name !== span.name)
    return (
      <span className="muted">
        the file's section [{span.sectionIndex}] is {reply.name}, not {span.name} (repackaged)
      </span>
    );
  const rows: React.ReactNode[] = [];
  const bytes = reply.bytes;
  for (let r = reply.offset; r < reply.offset + bytes.length; r += CTX_ROW) {
    const touched = r < site + len && r + CTX_ROW > site;
    const cells = (after: boolean) =>
      Array.from({ length: Math.min(CTX_ROW, reply.offset + bytes.length - r) }, (_, i) => {
        const o = r + i;
        const inSite = o >= site && o < site + len;
        const b = inSite ? (after ? ref_.write.new[o - site]! : ref_.write.old[o - site]!) : bytes[o - reply.offset]!;
        return (
          <span
            key={i}
            className={inSite ? (after ? 'ctx-b site after' : 'ctx-b site') : after ? 'ctx-b dim' : 'ctx-b'}
            data-testid={inSite ? (after ? 'ctx-after' : 'ctx-before') : undefined}
          >
            {byteHex(b)}
          </span>
        );
      });
    rows.push(
      <div key={r} className="ctx-row">
        <span className="ctx-off">+{r.toString(16).padStart(4, '0')}</span>
        <span className="ctx-bytes">{cells(false)}</span>
      </div>,
    );
    if (touched)
      rows.push(
        <div key={`${r}a`} className="ctx-row after">
          <span className="ctx-off">after</span>
          <span className="ctx-bytes">{cells(true)}</span>
        </div>,
      );
  }
  return (
    <div
      className="byte-context mono"
      data-testid="wd-context"
      title={`${span.name} from the file, offsets in the section; the site's own bytes are memory's before and after the write`}
    >
      <div className="ctx-caption muted">
        {span.name}+0x{site.toString(16)}, {len} bytes
      </div>
      {rows}
    </div>
  );
}

/** Bytes shown at once: a big write's 4 KiB kept would be a wall of hex (15,000 px on a phone). */
const SHOWN_BYTES = 64;

/** The first SHOWN_BYTES as hex; the rest behind a disclosure. */
function Bytes({ bytes }: { bytes: Uint8Array }) {
  if (bytes.length <= SHOWN_BYTES) return <>{bytesHex(bytes)}</>;
  const rest = bytes.length - SHOWN_BYTES;
  return (
    <>
      {bytesHex(bytes.subarray(0, SHOWN_BYTES))}
      <details className="wd-more">
        <summary>
          {rest.toLocaleString('en')} more byte{rest === 1 ? '' : 's'}
        </summary>
        {bytesHex(bytes.subarray(SHOWN_BYTES))}
      </details>
    </>
  );
}
