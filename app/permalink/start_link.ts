// The link the page was opened with (boot() decodes it and puts it here; nothing reads `location`
// before) and what of it is still to do: the user's own files it names, asked for again, and the
// step / row / selection restored on the first run of its request.

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Decoded, LinkModule, LinkTab } from '../../src/permalink/permalink.ts';
import type { ScenarioId } from '../../src/scenarios/scenarios.ts';
import type { StrategyId } from '../../src/strategies/strategies.ts';
import type { AppRequest } from '../explain/state/request.ts';
import { type LinkedFile, linkedRow, linkedStep, type Pending, rowDropped, type WantedFile } from './link_state.ts';

export interface StartLinkState extends Pending {
  link: Decoded;
  /** What of the link was dropped and why: the decoder's warnings, then what the run could not show. */
  warnings: string[];
}

/** Until boot(): a page opened without a link. */
const NO_LINK: Decoded = { state: { view: 'inspect' }, form: 'none', warnings: [] };

export const startLink = createStore<StartLinkState>()(() => ({ link: NO_LINK, missing: [], warnings: [] }));

export function usePendingFiles(): WantedFile[] {
  return useStore(startLink, (s) => s.missing);
}

export function useLinkWarnings(): string[] {
  return useStore(startLink, (s) => s.warnings);
}

export const dismissLinkWarnings = () => startLink.setState({ warnings: [] });

const warn = (more: string[]) => startLink.setState((s) => ({ warnings: [...s.warnings, ...more] }));

/**
 * The linked step for a trace of `source`, once: the first run of the linked request restores
 * the link's step (by index or kernel function) and selection; later runs start at 0.
 */
export function takeLinkedStep(
  source: AppRequest,
  files: LinkedFile[],
  steps: ReadonlyArray<{ path: string[]; source?: { fn: string } }>,
): { step?: number; select?: { step: number; event: number } } {
  const { taken, dropped, ...linked } = linkedStep(startLink.getState(), source, files, steps);
  if (taken) startLink.setState({ step: undefined, select: undefined });
  if (dropped) warn(dropped);
  return linked;
}

/** The linked row of a comparison of `rows` rows, once (on the first run of the linked comparison). */
export function takeLinkedRow(strategies: StrategyId[], scenario: ScenarioId, rows: number): number | undefined {
  const row = linkedRow(startLink.getState(), strategies, scenario);
  if (row === undefined) return row;
  startLink.setState({ row: undefined });
  const why = rowDropped(row, rows);
  if (why) warn([why]);
  return row;
}

/** The inspector part of the start link. */
export function startInspector(): {
  open?: LinkModule | undefined;
  tab?: LinkTab | undefined;
  section?: number | undefined;
  symbol?: number | undefined;
  relsec?: number | undefined;
} {
  const s = startLink.getState().link.state;
  return { open: s.open, tab: s.tab, section: s.section, symbol: s.symbol, relsec: s.relsec };
}
