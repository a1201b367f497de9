// The one palette of the canvas map, the timeline and the SVG export. Page permission colours:
// Okabe–Ito (safe for the common colour-vision deficiencies), each also encoded by a badge and a
// hatch, so colour is never the only cue. RWX is vermillion with a heavy black cross-hatch and a
// black "RWX!" badge: it must not look like anything else.
import { PermCode } from '../trace/perm_code.ts';
import type { ModuleState } from '../trace/types.ts';

export interface PermStyle {
  fill: string;
  /** Text colour on the fill. */
  ink: string;
  badge: string;
  hatch: 'none' | 'diagonal' | 'cross';
  /** Legend wording. */
  meaning: string;
}

export const PERM_STYLE: Record<PermCode, PermStyle> = {
  [PermCode.None]: { fill: 'transparent', ink: '#5f6870', badge: '', hatch: 'none', meaning: 'not allocated yet' },
  [PermCode.RO]: { fill: '#56B4E9', ink: '#0b2533', badge: 'RO', hatch: 'none', meaning: 'read-only (r--)' },
  [PermCode.RX]: { fill: '#009E73', ink: '#ffffff', badge: 'RX', hatch: 'none', meaning: 'read + execute (r-x)' },
  [PermCode.RW]: { fill: '#F0E442', ink: '#2b2700', badge: 'RW', hatch: 'diagonal', meaning: 'read + write, NX (rw-)' },
  [PermCode.RWX]: {
    fill: '#D55E00',
    // black on vermillion is 5.4:1, white 3.9:1: the alarm itself meets WCAG AA
    ink: '#000000',
    badge: 'RWX!',
    hatch: 'cross',
    meaning: 'writable AND executable: W^X broken',
  },
  [PermCode.Freed]: {
    fill: 'transparent',
    ink: '#8a9198',
    badge: 'freed',
    hatch: 'none',
    meaning: 'freed (vfree): gone',
  },
};

export const LEGEND_ORDER: PermCode[] = [PermCode.RX, PermCode.RO, PermCode.RW, PermCode.RWX, PermCode.Freed];

const STATE_COLOUR: Record<ModuleState, string> = {
  UNFORMED: '#DDDDDD',
  COMING: '#DDCC77',
  LIVE: '#44AA99',
  GOING: '#CC6677',
};

/** Module state bands on the timeline (Paul Tol's muted scheme). */
export const stateColour = (s: ModuleState) => STATE_COLOUR[s];

/** Ink for a state band. */
export const stateInk = (s: ModuleState) => (s === 'LIVE' || s === 'GOING' ? '#ffffff' : '#222222');

/** Colour of write marks and the current-step highlight. */
export const MARK = { site: '#1d2125', current: '#CC79A7', selected: '#000000', fault: '#D55E00', flip: '#000000' };
