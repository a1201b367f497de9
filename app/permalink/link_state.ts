// The app's side of permalinks (format in src/permalink/permalink.ts, docs/permalinks.md): the
// link the page was opened with, what it still needs (the user's own files, asked for again —
// they are never uploaded), and the current view state as a LinkState for the URL, the copy-link
// button, embeds and exports.

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import {
  type Decoded,
  decodeLocation,
  encodeLink,
  type LinkModule,
  type LinkSource,
  type LinkTab,
  resolveStep,
  type StepRef,
} from '../../src/permalink/permalink.ts';
import type { ModuleRef, TraceSource } from '../explain/source.ts';

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

type Roles = Partial<Record<'T' | 'T2' | 'P' | 'R', ModuleRef>>;

function rolesToLink(
  roles: Roles | undefined,
  files: OpenFile[],
): Partial<Record<'T' | 'T2' | 'P' | 'R', LinkModule>> | undefined {
  if (!roles) return undefined;
  const out: Partial<Record<'T' | 'T2' | 'P' | 'R', LinkModule>> = {};
  for (const [role, ref] of Object.entries(roles) as Array<['T' | 'T2' | 'P' | 'R', ModuleRef | undefined]>) {
    const m = ref && moduleToLink(ref, files);
    if (m) out[role] = m;
  }
  return Object.keys(out).length ? out : undefined;
}

export function sourceToLink(source: TraceSource, files: OpenFile[]): LinkSource {
  if (source.kind === 'sequence') {
    const ops: LinkSource & { kind: 'sequence' } = {
      kind: 'sequence',
      kernel: source.kernel,
      fake: source.fakeMissingSymbols,
      ops: [],
    };
    for (const s of source.steps) {
      if (s.op === 'rmmod') ops.ops.push({ op: 'rmmod', name: s.name });
      else {
        const m = moduleToLink(s.module, files);
        if (m) ops.ops.push({ op: 'insmod', module: m });
      }
    }
    return ops;
  }
  const roles = rolesToLink((source as { roles?: Roles }).roles, files);
  if (source.kind === 'scenario')
    return { kind: 'scenario', strategy: source.strategy, scenario: source.scenario, ...(roles ? { roles } : {}) };
  return {
    kind: 'compare',
    strategies: [...source.strategies],
    scenario: source.scenario,
    ...(roles ? { roles } : {}),
  };
}

/** The TraceSource of a link, or the files it still needs. */
export function sourceFromLink(link: LinkSource): { source?: TraceSource; missing: WantedFile[] } {
  const missing: WantedFile[] = [];
  let roles: Roles | undefined;
  if (link.kind !== 'sequence' && link.roles) {
    roles = {};
    for (const [role, m] of Object.entries(link.roles) as Array<['T' | 'T2' | 'P' | 'R', LinkModule]>) {
      const ref = moduleFromLink(m, missing);
      if (ref) roles[role] = ref;
    }
  }
  let source: TraceSource;
  if (link.kind === 'sequence') {
    const steps: Array<Extract<TraceSource, { kind: 'sequence' }>['steps'][number]> = [];
    for (const o of link.ops) {
      if (o.op === 'rmmod') steps.push({ op: 'rmmod', name: o.name });
      else {
        const module = moduleFromLink(o.module, missing);
        if (module) steps.push({ op: 'insmod', module });
      }
    }
    source = { kind: 'sequence', kernel: link.kernel, steps, fakeMissingSymbols: link.fake };
  } else if (link.kind === 'scenario') {
    source = {
      kind: 'scenario',
      strategy: link.strategy,
      scenario: link.scenario,
      ...(roles ? { roles } : {}),
    } as TraceSource;
  } else {
    source = {
      kind: 'compare',
      strategies: link.strategies,
      scenario: link.scenario,
      ...(roles ? { roles } : {}),
    } as TraceSource;
  }
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
export function initialSource(): TraceSource | undefined {
  if (!startSource) return undefined;
  const { source, missing } = sourceFromLink(startSource);
  if (missing.length) pendingLink.setState({ missing });
  return source;
}

const sameSource = (a: LinkSource, key: string | undefined) =>
  key !== undefined && encodeLink({ view: 'explain', source: a }) === key;

/**
 * The linked step for a trace of `source`, once: the first run of the linked source restores
 * the link's step (by index or kernel function) and selection; later runs start at 0.
 */
export function takeLinkedStep(
  source: TraceSource,
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
export function takeLinkedRow(strategies: string[], scenario: string): number | undefined {
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
