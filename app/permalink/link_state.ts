// The app's side of permalinks (format in src/permalink/permalink.ts, docs/permalinks.md): the
// link the page was opened with, what it still needs (the user's own files, asked for again —
// they are never uploaded), and the current view state as a LinkState for the URL, the copy-link
// button, embeds and exports.

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { mapModules, type RunRequest } from '../../src/engine/request.ts';
import {
  type Decoded,
  decodeLocation,
  encodeLink,
  type LinkModule,
  type LinkTab,
  resolveStep,
  type StepRef,
} from '../../src/permalink/permalink.ts';
import type { ScenarioId } from '../../src/scenarios/scenarios.ts';
import type { StrategyId } from '../../src/strategies/strategies.ts';
import type { AppRequest, ModuleRef } from '../explain/source.ts';

/** The link the page was opened with (decoded once, before any store reads it). */
export const startLink: Decoded =
  typeof location === 'undefined'
    ? { state: { view: 'inspect' }, form: 'none', warnings: [] }
    : decodeLocation(location.search, location.hash);

/** The app's URL without query or hash: the base of every link it makes. */
export function appBase(): string {
  return `${location.origin}${location.pathname}`;
}

/** A file the link needs and the page does not have yet. */
export interface WantedFile {
  sha256: string;
  name: string;
}

interface FileHashes {
  /** sha256 of each open file, by LoadedFile key (computed when the file is read). */
  byKey: Record<string, string>;
}

/** sha256 of the files the user opened (by key). Filled by app/store.ts when a file is read. */
export const fileHashes = createStore<FileHashes>()(() => ({ byKey: {} }));

export function rememberHash(key: string, sha256: string): void {
  fileHashes.setState((s) => ({ byKey: { ...s.byKey, [key]: sha256 } }));
}

export function useFileHashes(): Record<string, string> {
  return useStore(fileHashes, (s) => s.byKey);
}

// ---- LinkModule <-> ModuleRef ---------------------------------------------------------------

/** What a link needs of an open file (a LoadedFile of app/store.ts, which imports this module). */
interface OpenFile {
  key: string;
  name: string;
}

function moduleToLink(ref: ModuleRef, files: OpenFile[]): LinkModule | undefined {
  if (ref.kind === 'sample') return { kind: 'sample', id: ref.id };
  const f = files.find((x) => x.key === ref.key);
  const sha256 = fileHashes.getState().byKey[ref.key];
  return f && sha256 ? { kind: 'file', sha256, name: f.name } : undefined;
}

/** The open file with this content, if any. */
export function fileWithHash(sha256: string): string | undefined {
  const byKey = fileHashes.getState().byKey;
  return Object.keys(byKey).find((k) => byKey[k] === sha256);
}

function moduleFromLink(m: LinkModule, missing: WantedFile[]): ModuleRef | undefined {
  if (m.kind === 'sample') return { kind: 'sample', id: m.id };
  const key = fileWithHash(m.sha256);
  if (key) return { kind: 'file', key };
  if (!missing.some((w) => w.sha256 === m.sha256)) missing.push({ sha256: m.sha256, name: m.name });
  return undefined;
}

export function sourceToLink(source: AppRequest, files: OpenFile[]): RunRequest<LinkModule> {
  return mapModules(source, (m) => moduleToLink(m, files));
}

/** The request of a link, or the files it still needs. */
export function sourceFromLink(link: RunRequest<LinkModule>): { source?: AppRequest; missing: WantedFile[] } {
  const missing: WantedFile[] = [];
  const source = mapModules(link, (m) => moduleFromLink(m, missing));
  return missing.length ? { missing } : { source, missing };
}

// ---- what the start link still has to do ----------------------------------------------------

interface Pending {
  /** Files the start link needs; the explainer waits for them instead of running its default. */
  missing: WantedFile[];
  /** The step / row / selection to restore on the first run of the linked source. */
  step?: StepRef | undefined;
  row?: number | undefined;
  select?: { step: number; event: number } | undefined;
  /** The linked source (its encoding), so only a run of that source takes the step. */
  sourceKey?: string;
}

export const startSource =
  startLink.state.view === 'explain' && startLink.state.source ? startLink.state.source : undefined;

export const pendingLink = createStore<Pending>()(() => ({
  missing: [],
  ...(startLink.state.step !== undefined ? { step: startLink.state.step } : {}),
  ...(startLink.state.row !== undefined ? { row: startLink.state.row } : {}),
  ...(startLink.state.select ? { select: startLink.state.select } : {}),
  ...(startSource ? { sourceKey: encodeLink({ view: 'explain', source: startSource }) } : {}),
}));

export function usePendingFiles(): WantedFile[] {
  return useStore(pendingLink, (s) => s.missing);
}

/** The explainer's first source: the link's (if its files are all here), else undefined. */
export function initialSource(): AppRequest | undefined {
  if (!startSource) return undefined;
  const { source, missing } = sourceFromLink(startSource);
  if (missing.length) pendingLink.setState({ missing });
  return source;
}

const sameSource = (a: RunRequest<LinkModule>, key: string | undefined) =>
  key !== undefined && encodeLink({ view: 'explain', source: a }) === key;

/**
 * The linked step for a trace of `source`, once: the first run of the linked source restores
 * the link's step (by index or kernel function) and selection; later runs start at 0.
 */
export function takeLinkedStep(
  source: AppRequest,
  files: OpenFile[],
  steps: ReadonlyArray<{ path: string[]; source?: { fn: string } }>,
): { step?: number; select?: { step: number; event: number } } {
  const p = pendingLink.getState();
  if (p.step === undefined && !p.select) return {};
  if (!sameSource(sourceToLink(source, files), p.sourceKey)) return {};
  pendingLink.setState({ step: undefined, select: undefined });
  const step = p.step === undefined ? undefined : resolveStep(p.step, steps);
  return {
    ...(step !== undefined ? { step } : {}),
    ...(p.select && p.select.step < steps.length ? { select: p.select } : {}),
  };
}

/** The linked row of a comparison, once (on the first run of the linked comparison). */
export function takeLinkedRow(strategies: StrategyId[], scenario: ScenarioId): number | undefined {
  const p = pendingLink.getState();
  if (p.row === undefined || startSource?.kind !== 'compare') return undefined;
  if (startSource.scenario !== scenario || startSource.strategies.join(',') !== strategies.join(',')) return undefined;
  pendingLink.setState({ row: undefined });
  return p.row;
}

/** The inspector part of the start link. */
export function startInspector(): {
  open?: LinkModule | undefined;
  tab?: LinkTab | undefined;
  section?: number | undefined;
  symbol?: number | undefined;
  relsec?: number | undefined;
} {
  const s = startLink.state;
  return { open: s.open, tab: s.tab, section: s.section, symbol: s.symbol, relsec: s.relsec };
}
