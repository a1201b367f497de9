// The player's bar: first / previous section / previous / play-pause / next / next section /
// last, the speed, and where the cursor is. One bar for both views; the comparison adds its
// difference buttons.
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { type PlayerStore, SPEEDS } from './player.ts';

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
const PREV_SECTION = 'M7 2v10L1 7zM13 2v10L7 7z';
const NEXT_SECTION = 'M1 2v10l6-5zM7 2v10l6-5z';
const PLAY = 'M3 1.5v11l9-5.5z';
const PAUSE = 'M3 2h3v10H3zM8 2h3v10H8z';

export interface PlayerControlsProps {
  player: PlayerStore;
  /** The cursor's position and how many positions there are. */
  at: number;
  count: number;
  /** What a position is ('step', 'row') and what `[` / `]` jump by ('phase', 'operation'). */
  unit: string;
  section: string;
  /** The toolbar's accessible name and test ids. */
  label: string;
  testId?: string;
  playTestId: string;
  countTestId: string;
  /** More buttons, after "last". */
  children?: ReactNode;
}

export function PlayerControls(props: PlayerControlsProps) {
  const { player, at, count, unit, section } = props;
  const playing = useStore(player, (s) => s.playing);
  const speed = useStore(player, (s) => s.speed);
  const p = player.getState();
  const atStart = at <= 0;
  const atEnd = at >= count - 1;
  const button = (label: string, icon: string, onClick: () => void, disabled: boolean) => (
    <button type="button" aria-label={label} title={label} onClick={onClick} disabled={disabled}>
      <Icon d={icon} />
    </button>
  );
  return (
    <div className="step-controls" role="toolbar" aria-label={props.label} data-testid={props.testId}>
      {button('First step (Home)', FIRST, p.first, atStart)}
      {button(`Previous ${section} ([)`, PREV_SECTION, () => p.jump(-1), atStart)}
      {button('Previous step (←)', PREV, () => p.stepBy(-1), atStart)}
      <button
        type="button"
        className="play"
        aria-label={playing ? 'Pause (Space)' : 'Play (Space)'}
        title={playing ? 'Pause (Space)' : 'Play (Space)'}
        onClick={p.togglePlay}
        data-testid={props.playTestId}
      >
        <Icon d={playing ? PAUSE : PLAY} />
      </button>
      {button('Next step (→)', NEXT, () => p.stepBy(1), atEnd)}
      {button(`Next ${section} (])`, NEXT_SECTION, () => p.jump(1), atEnd)}
      {button('Last step (End)', LAST, p.last, atEnd)}
      {props.children}
      <label className="speed">
        <span>speed</span>
        <select
          value={speed}
          onChange={(e) => p.setSpeed(Number(e.currentTarget.value))}
          aria-label={`Playback speed, ${unit}s per second`}
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s} step/s
            </option>
          ))}
        </select>
      </label>
      <output className="step-count mono" data-testid={props.countTestId} aria-live="polite">
        {count > 0 ? `${unit} ${Math.min(at, count - 1)} / ${count - 1}` : `no ${unit}s yet`}
      </output>
    </div>
  );
}
