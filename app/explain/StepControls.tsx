// First / previous / play-pause / next / last, speed, and where we are.
import { SPEEDS, explainStore, useExplain } from './store.ts';

export function StepControls({ steps }: { steps: number }) {
  const step = useExplain((s) => s.step);
  const playing = useExplain((s) => s.playing);
  const speed = useExplain((s) => s.speed);
  const a = explainStore.getState();
  const atStart = step <= 0;
  const atEnd = step >= steps - 1;
  return (
    <div className="step-controls" role="toolbar" aria-label="Step controls">
      <button type="button" aria-label="First step (Home)" title="First step (Home)" onClick={a.first} disabled={atStart}>⏮</button>
      <button type="button" aria-label="Previous phase ([)" title="Previous phase ([)" onClick={() => a.phase(-1)} disabled={atStart}>«</button>
      <button type="button" aria-label="Previous step (←)" title="Previous step (←)" onClick={() => a.stepBy(-1)} disabled={atStart}>◀</button>
      <button type="button" className="play" aria-label={playing ? 'Pause (Space)' : 'Play (Space)'} title={playing ? 'Pause (Space)' : 'Play (Space)'} onClick={a.togglePlay} data-testid="play">
        {playing ? '❚❚' : '▶'}
      </button>
      <button type="button" aria-label="Next step (→)" title="Next step (→)" onClick={() => a.stepBy(1)} disabled={atEnd}>▶︎|</button>
      <button type="button" aria-label="Next phase (])" title="Next phase (])" onClick={() => a.phase(1)} disabled={atEnd}>»</button>
      <button type="button" aria-label="Last step (End)" title="Last step (End)" onClick={a.last} disabled={atEnd}>⏭</button>
      <label className="speed">
        <span>speed</span>
        <select value={speed} onChange={(e) => a.setSpeed(Number(e.currentTarget.value))} aria-label="Playback speed, steps per second">
          {SPEEDS.map((s) => (
            <option key={s} value={s}>{s} step/s</option>
          ))}
        </select>
      </label>
      <output className="step-count mono" data-testid="step-count" aria-live="polite">
        step {step} / {steps - 1}
      </output>
    </div>
  );
}
