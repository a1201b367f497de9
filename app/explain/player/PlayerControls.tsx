// First / previous / play-pause / next / last, speed, and where we are.
import { explainStore, SPEEDS, useExplain } from '../state/explain_store.ts';

/** Tiny inline icons (no icon font: the glyphs ⏮ ⏭ are missing from common system fonts). */
function Icon({ d }: { d: string }) {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" />
    </svg>
  );
}
const FIRST = 'M2 2h2v10H2zM12 2v10L5 7z';
const LAST = 'M10 2h2v10h-2zM2 2v10l7-5z';
const PREV = 'M11 2v10L4 7z';
const NEXT = 'M3 2v10l7-5z';
const PREV_PHASE = 'M7 2v10L1 7zM13 2v10L7 7z';
const NEXT_PHASE = 'M1 2v10l6-5zM7 2v10l6-5z';
const PLAY = 'M3 1.5v11l9-5.5z';
const PAUSE = 'M3 2h3v10H3zM8 2h3v10H8z';

export function StepControls({ steps }: { steps: number }) {
  const step = useExplain((s) => s.step);
  const playing = useExplain((s) => s.playing);
  const speed = useExplain((s) => s.speed);
  const a = explainStore.getState();
  const atStart = step <= 0;
  const atEnd = step >= steps - 1;
  return (
    <div className="step-controls" role="toolbar" aria-label="Step controls">
      <button
        type="button"
        aria-label="First step (Home)"
        title="First step (Home)"
        onClick={a.first}
        disabled={atStart}
      >
        <Icon d={FIRST} />
      </button>
      <button
        type="button"
        aria-label="Previous phase ([)"
        title="Previous phase ([)"
        onClick={() => a.phase(-1)}
        disabled={atStart}
      >
        <Icon d={PREV_PHASE} />
      </button>
      <button
        type="button"
        aria-label="Previous step (←)"
        title="Previous step (←)"
        onClick={() => a.stepBy(-1)}
        disabled={atStart}
      >
        <Icon d={PREV} />
      </button>
      <button
        type="button"
        className="play"
        aria-label={playing ? 'Pause (Space)' : 'Play (Space)'}
        title={playing ? 'Pause (Space)' : 'Play (Space)'}
        onClick={a.togglePlay}
        data-testid="play"
      >
        <Icon d={playing ? PAUSE : PLAY} />
      </button>
      <button
        type="button"
        aria-label="Next step (→)"
        title="Next step (→)"
        onClick={() => a.stepBy(1)}
        disabled={atEnd}
      >
        <Icon d={NEXT} />
      </button>
      <button
        type="button"
        aria-label="Next phase (])"
        title="Next phase (])"
        onClick={() => a.phase(1)}
        disabled={atEnd}
      >
        <Icon d={NEXT_PHASE} />
      </button>
      <button type="button" aria-label="Last step (End)" title="Last step (End)" onClick={a.last} disabled={atEnd}>
        <Icon d={LAST} />
      </button>
      <label className="speed">
        <span>speed</span>
        <select
          value={speed}
          onChange={(e) => a.setSpeed(Number(e.currentTarget.value))}
          aria-label="Playback speed, steps per second"
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s} step/s
            </option>
          ))}
        </select>
      </label>
      <output className="step-count mono" data-testid="step-count" aria-live="polite">
        step {step} / {steps - 1}
      </output>
    </div>
  );
}
