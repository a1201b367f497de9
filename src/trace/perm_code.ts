// A page's permission (or absence) at a step as one byte: how the replay (replay.ts), the page
// map and the views hold thousands of pages per step.
import type { PagePerm } from './types.ts';

/** A page's state at a step. */
export const PermCode = {
  /** Region not allocated yet. */
  None: 0,
  RO: 1,
  RX: 2,
  RW: 3,
  /** Writable and executable: W^X broken. */
  RWX: 4,
  /** The region was freed (vfree): the page is gone. */
  Freed: 5,
} as const;
export type PermCode = (typeof PermCode)[keyof typeof PermCode];

export const permCode = (p: PagePerm): PermCode =>
  p.write ? (p.exec ? PermCode.RWX : PermCode.RW) : p.exec ? PermCode.RX : PermCode.RO;

export const PERM_LABEL: Record<PermCode, string> = {
  [PermCode.None]: 'not allocated',
  [PermCode.RO]: 'RO',
  [PermCode.RX]: 'RX',
  [PermCode.RW]: 'RW',
  [PermCode.RWX]: 'RWX!',
  [PermCode.Freed]: 'freed',
};
