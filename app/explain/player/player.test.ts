// The one player, as both views use it, on a bare zustand/vanilla store (no React, no DOM): a
// cursor named `at` over `count` positions in sections of four.
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { type Cursor, type Player, playerSlice } from './player.ts';

interface Track extends Player {
  at: number;
  count: number;
}

const cursor: Cursor<Track> = {
  at: (s) => s.at,
  to: (at) => ({ at }),
  count: (s) => s.count,
  section: (_s, at, dir) => (dir > 0 ? (Math.floor(at / 4) + 1) * 4 : at % 4 ? at - (at % 4) : at - 4),
};

const track = (count: number, at = 0) =>
  createStore<Track>()((set, get) => ({ ...playerSlice(set, get, cursor), at, count }));

describe('player', () => {
  it('steps by one, clamped to the positions there are', () => {
    const t = track(10, 0);
    t.getState().stepBy(1);
    expect(t.getState().at).toBe(1);
    t.getState().stepBy(-5);
    expect(t.getState().at).toBe(0);
    t.getState().seek(42);
    expect(t.getState().at).toBe(9);
    t.getState().seek(3.6);
    expect(t.getState().at).toBe(4);
  });

  it('a move to where the cursor already is changes nothing (no re-render)', () => {
    const t = track(10, 9);
    let changes = 0;
    t.subscribe(() => changes++);
    t.getState().stepBy(1);
    t.getState().seek(9);
    expect(changes).toBe(0);
  });

  it('first and last also stop playback', () => {
    const t = track(10, 5);
    t.getState().play();
    t.getState().last();
    expect(t.getState()).toMatchObject({ at: 9, playing: false });
    t.getState().play();
    t.getState().first();
    expect(t.getState()).toMatchObject({ at: 0, playing: false });
  });

  it('[ and ] jump by section, clamped', () => {
    const t = track(10, 5);
    t.getState().jump(1);
    expect(t.getState().at).toBe(8);
    t.getState().jump(1);
    expect(t.getState().at).toBe(9);
    t.getState().jump(-1);
    expect(t.getState().at).toBe(8);
    t.getState().jump(-1);
    expect(t.getState().at).toBe(4);
    t.getState().jump(-1);
    expect(t.getState().at).toBe(0);
  });

  it('plays tick by tick and pauses on the last position', () => {
    const t = track(3, 0);
    t.getState().play();
    expect(t.getState().playing).toBe(true);
    t.getState().tick();
    t.getState().tick();
    expect(t.getState()).toMatchObject({ at: 2, playing: true });
    t.getState().tick();
    expect(t.getState()).toMatchObject({ at: 2, playing: false });
  });

  it('playing from the last position starts over; toggling pauses and resumes where it was', () => {
    const t = track(3, 2);
    t.getState().togglePlay();
    expect(t.getState()).toMatchObject({ at: 0, playing: true });
    t.getState().tick();
    t.getState().togglePlay();
    expect(t.getState()).toMatchObject({ at: 1, playing: false });
    t.getState().togglePlay();
    expect(t.getState()).toMatchObject({ at: 1, playing: true });
  });

  it('with nothing to play (no trace yet, no alignment) play does nothing and the cursor stays at 0', () => {
    const t = track(0, 0);
    t.getState().play();
    t.getState().stepBy(1);
    t.getState().last();
    expect(t.getState()).toMatchObject({ at: 0, playing: false });
  });

  it('speed is its own: 2 positions a second until set', () => {
    const t = track(3);
    expect(t.getState().speed).toBe(2);
    t.getState().setSpeed(8);
    expect(t.getState().speed).toBe(8);
  });
});
