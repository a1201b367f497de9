// Share what is on screen: copy its permalink, get an <iframe> embed snippet, export the step as
// SVG, PNG or plain-text ASCII (shown, with a copy button), or all steps of its phase as a strip
// (SVG, PNG).
import { useState } from 'react';
import type { EmbedView } from '../../src/permalink/permalink.ts';
import { useCompare } from '../explain/compare/compare_store.ts';
import { useExplain } from '../explain/state/explain_store.ts';
import './share.css';
import {
  copyText,
  currentAscii,
  currentHref,
  currentPhase,
  currentStripSvg,
  currentSvg,
  download,
  embedSnippet,
  fileStem,
  svgToPng,
} from './exporters.ts';

type Panel = 'none' | 'embed' | 'ascii';

export function ShareBar({ embedded = false }: { embedded?: boolean }) {
  const comparing = useExplain((s) => s.ran?.kind === 'compare');
  const traceReady = useExplain((s) => s.trace !== null);
  const compareReady = useCompare((s) => s.alignment !== null);
  const ready = comparing ? compareReady : traceReady;
  // Re-render on cursor moves so the texts shown are the current step's.
  useExplain((s) => s.step);
  useCompare((s) => s.row);
  const [panel, setPanel] = useState<Panel>('none');
  const [status, setStatus] = useState('');
  const [view, setView] = useState<EmbedView>(comparing ? 'compare' : 'map');
  const [caption, setCaption] = useState('');
  const flash = (s: string) => {
    setStatus(s);
    window.setTimeout(() => setStatus(''), 2500);
  };
  if (!ready) return null;
  const embedView: EmbedView = comparing ? 'compare' : view === 'compare' ? 'map' : view;
  const snippet = panel === 'embed' ? embedSnippet(embedView, caption, embedView === 'compare' ? 640 : 520) : undefined;
  const ascii = panel === 'ascii' ? currentAscii() : undefined;
  const toggle = (p: Panel) => setPanel((x) => (x === p ? 'none' : p));
  return (
    <div className="share-bar" data-testid="share-bar">
      <div className="share-buttons" role="toolbar" aria-label="Share and export this step">
        {!embedded && (
          <button
            type="button"
            data-testid="copy-link"
            title="Copy a link to exactly this view and step"
            onClick={async () => {
              const href = currentHref();
              if (href)
                flash((await copyText(href)) ? 'Link copied' : 'Could not copy: the link is in the address bar');
            }}
          >
            Copy link
          </button>
        )}
        <button type="button" data-testid="get-embed" aria-expanded={panel === 'embed'} onClick={() => toggle('embed')}>
          Embed code
        </button>
        <span className="share-sep" aria-hidden="true">
          export
        </span>
        <button
          type="button"
          data-testid="export-svg"
          title="This step as an SVG figure: text as text, legend included"
          onClick={() => {
            const svg = currentSvg(caption || undefined);
            if (svg) download(`${fileStem()}.svg`, new Blob([svg], { type: 'image/svg+xml' }));
          }}
        >
          SVG
        </button>
        <button
          type="button"
          data-testid="export-png"
          title="This step as a PNG at 3× (poster quality)"
          onClick={async () => {
            const svg = currentSvg(caption || undefined);
            if (!svg) return;
            try {
              download(`${fileStem()}.png`, await svgToPng(svg));
            } catch (e) {
              flash(`PNG failed: ${e instanceof Error ? e.message : String(e)}`);
            }
          }}
        >
          PNG
        </button>
        <button
          type="button"
          data-testid="export-ascii"
          aria-expanded={panel === 'ascii'}
          title="This step as plain text for a mail (under 80 columns)"
          onClick={() => toggle('ascii')}
        >
          ASCII
        </button>
        {!comparing && (
          <>
            <span className="share-sep" aria-hidden="true">
              phase
            </span>
            <button
              type="button"
              data-testid="export-strip-svg"
              title={`Every step of this phase (${currentPhase()?.phase ?? ''}) as a strip of small maps, SVG`}
              onClick={() => {
                const svg = currentStripSvg(caption || undefined);
                if (svg) download(`${fileStem(true)}.svg`, new Blob([svg], { type: 'image/svg+xml' }));
              }}
            >
              strip SVG
            </button>
            <button
              type="button"
              data-testid="export-strip-png"
              title={`Every step of this phase (${currentPhase()?.phase ?? ''}) as a strip of small maps, PNG at 2×`}
              onClick={async () => {
                const svg = currentStripSvg(caption || undefined);
                if (!svg) return;
                try {
                  download(`${fileStem(true)}.png`, await svgToPng(svg, 2));
                } catch (e) {
                  flash(`PNG failed: ${e instanceof Error ? e.message : String(e)}`);
                }
              }}
            >
              strip PNG
            </button>
          </>
        )}
        <output className="share-status muted" aria-live="polite" data-testid="share-status">
          {status}
        </output>
      </div>
      {panel === 'embed' && (
        <div className="share-panel" data-testid="embed-panel" role="dialog" aria-label="Embed code">
          <button type="button" className="share-close link-button" aria-label="Close" onClick={() => setPanel('none')}>
            ×
          </button>
          <div className="share-row">
            {!comparing && (
              <label>
                view{' '}
                <select
                  value={embedView}
                  onChange={(e) => setView(e.currentTarget.value as EmbedView)}
                  data-testid="embed-view"
                >
                  <option value="map">memory map</option>
                  <option value="timeline">timeline</option>
                </select>
              </label>
            )}
            <label className="grow">
              caption{' '}
              <input
                type="text"
                value={caption}
                maxLength={200}
                placeholder="optional, shown above the figure"
                onChange={(e) => setCaption(e.currentTarget.value)}
                data-testid="embed-caption"
              />
            </label>
          </div>
          <textarea
            readOnly
            rows={3}
            value={snippet ?? ''}
            data-testid="embed-snippet"
            aria-label="Embed code"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button
            type="button"
            onClick={async () =>
              snippet && flash((await copyText(snippet)) ? 'Embed code copied' : 'Select the code and copy it')
            }
          >
            Copy embed code
          </button>
        </div>
      )}
      {panel === 'ascii' && ascii && (
        <div className="share-panel" data-testid="ascii-panel" role="dialog" aria-label="This step as plain text">
          <button type="button" className="share-close link-button" aria-label="Close" onClick={() => setPanel('none')}>
            ×
          </button>
          <pre className="ascii-export" data-testid="ascii-text">
            {ascii}
          </pre>
          <button
            type="button"
            data-testid="copy-ascii"
            onClick={async () => flash((await copyText(ascii)) ? 'Text copied' : 'Select the text and copy it')}
          >
            Copy text
          </button>
        </div>
      )}
    </div>
  );
}
