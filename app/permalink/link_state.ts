// The app's side of permalinks as pure functions (the format is src/permalink/permalink.ts,
// docs/permalinks.md): the modules of a request ↔ a link's (a built-in module by id, a user's own
// file by content hash: files are never uploaded, so a link names them and the page asks for them
// again), where a page opened with a link starts and what of the link is still to do, and what is
// on screen as a LinkState. The stores hold the state; start_link.ts holds the start link.

import { mapModules, type RunRequest } from '../../src/engine/request.ts';
import {
  type Decoded,
  encodeLink,
  type LinkModule,
  type LinkState,
  type LinkTab,
  resolveStep,
  type StepRef,
} from '../../src/permalink/permalink.ts';
import type { ScenarioId } from '../../src/scenarios/scenarios.ts';
import type { StrategyId } from '../../src/strategies/strategies.ts';
import type { AppRequest, ModuleRef } from '../explain/state/request.ts';

/** What a link needs of an open file: its key in the app, its name and (a user's file) its sha256. */
export interface LinkedFile {
  key: string;
  name: string;
  sha256?: string | undefined;
}

/** A file the link needs and the page does not have yet. */
export interface WantedFile {
  sha256: string;
  name: string;
}

// ---- LinkModule <-> ModuleRef ---------------------------------------------------------------

function moduleToLink(ref: ModuleRef, files: LinkedFile[]): LinkModule | undefined {
  if (ref.kind === 'sample') return { kind: 'sample', id: ref.id };
  const f = files.find((x) => x.key === ref.key);
  return f?.sha256 ? { kind: 'file', sha256: f.sha256, name: f.name } : undefined;
}

/** The key of the open file with this content, if any. */
export function fileWithHash(files: LinkedFile[], sha256: string): string | undefined {
  return files.find((f) => f.sha256 === sha256)?.key;
}

function moduleFromLink(m: LinkModule, files: LinkedFile[], missing: WantedFile[]): ModuleRef | undefined {
  if (m.kind === 'sample') return { kind: 'sample', id: m.id };
  const key = fileWithHash(files, m.sha256);
  if (key) return { kind: 'file', key };
  if (!missing.some((w) => w.sha256 === m.sha256)) missing.push({ sha256: m.sha256, name: m.name });
  return undefined;
}

export function sourceToLink(source: AppRequest, files: LinkedFile[]): RunRequest<LinkModule> {
  return mapModules(source, (m) => moduleToLink(m, files));
}

/** The request of a link over the open files, or the files it still needs. */
export function sourceFromLink(
  link: RunRequest<LinkModule>,
  files: LinkedFile[],
): { source?: AppRequest; missing: WantedFile[] } {
  const missing: WantedFile[] = [];
  const source = mapModules(link, (m) => moduleFromLink(m, files, missing));
  return missing.length ? { missing } : { source, missing };
}

// ---- where a linked page starts, and what the link still has to do ----------------------------

/** What the start link still has to do. */
export interface Pending {
  /** Files the start link needs; the explainer waits for them instead of running its default. */
  missing: WantedFile[];
  /** The step / row / selection to restore on the first run of the linked request. */
  step?: StepRef | undefined;
  row?: number | undefined;
  select?: { step: number; event: number } | undefined;
  /** The explainer's request as the link names it (a user's files by content hash). */
  source?: RunRequest<LinkModule> | undefined;
  /** Its encoding, so only a run of that request takes the step. */
  sourceKey?: string | undefined;
}

export interface Start {
  view: LinkState['view'];
  /** The explainer's first request: the link's, when every file it names is open. */
  source?: AppRequest;
  pending: Pending;
}

/** Where a page opened with `link` starts, the files in `files` being open. */
export function startOf(link: Decoded, files: LinkedFile[] = []): Start {
  const s = link.state;
  const linked = s.view === 'explain' && s.source ? s.source : undefined;
  const pending: Pending = {
    missing: [],
    ...(s.step !== undefined ? { step: s.step } : {}),
    ...(s.row !== undefined ? { row: s.row } : {}),
    ...(s.select ? { select: s.select } : {}),
    ...(linked ? { source: linked, sourceKey: encodeLink({ view: 'explain', source: linked }) } : {}),
  };
  if (!linked) return { view: s.view, pending };
  const { source, missing } = sourceFromLink(linked, files);
  return { view: s.view, ...(source ? { source } : {}), pending: { ...pending, missing } };
}

/** A trace's steps, as far as a linked step names one (by index, or by kernel function). */
type StepsOf = ReadonlyArray<{ path: string[]; source?: { fn: string } }>;

/** Why a linked step could not be shown as linked, if it could not: the step is then `shown`. */
function stepDropped(ref: StepRef, steps: StepsOf, shown: number | undefined): string | undefined {
  const last = steps.length - 1;
  if (typeof ref === 'number')
    return ref > last ? `step ${ref} is out of range (this run has steps 0–${last}): showing step ${last}` : undefined;
  const name = ref.nth === 1 ? ref.fn : `${ref.fn}.${ref.nth}`;
  if (shown === undefined) return `step ${name}: no step of this run is in ${ref.fn}(): showing step 0`;
  const runs = steps.filter((s) => s.path.at(-1) === ref.fn || s.source?.fn === ref.fn).length;
  return ref.nth !== 'last' && ref.nth > runs
    ? `step ${name}: this run has ${runs} step${runs === 1 ? '' : 's'} in ${ref.fn}(): showing the last, step ${shown}`
    : undefined;
}

/**
 * The linked step and selection for a trace of `source`: only the first run of the linked request
 * restores them (`taken`: the pending step is used up); any other run starts at 0. `dropped` says
 * what of them this trace could not show, and what is shown instead.
 */
export function linkedStep(
  pending: Pending,
  source: AppRequest,
  files: LinkedFile[],
  steps: StepsOf,
): { taken: boolean; step?: number; select?: { step: number; event: number }; dropped?: string[] } {
  if (pending.step === undefined && !pending.select) return { taken: false };
  const key = encodeLink({ view: 'explain', source: sourceToLink(source, files) });
  if (pending.sourceKey === undefined || key !== pending.sourceKey) return { taken: false };
  const step = pending.step === undefined ? undefined : resolveStep(pending.step, steps);
  const dropped: string[] = [];
  const stepWhy = pending.step === undefined ? undefined : stepDropped(pending.step, steps, step);
  if (stepWhy) dropped.push(stepWhy);
  const select = pending.select && pending.select.step < steps.length ? pending.select : undefined;
  if (pending.select && !select)
    dropped.push(
      `selected write ${pending.select.step}.${pending.select.event}: this run has no step ${pending.select.step}`,
    );
  return {
    taken: true,
    ...(step !== undefined ? { step } : {}),
    ...(select ? { select } : {}),
    ...(dropped.length ? { dropped } : {}),
  };
}

/** Why a linked row is not shown as linked (a comparison of `rows` rows), if it is not. */
export function rowDropped(row: number, rows: number): string | undefined {
  return row < rows
    ? undefined
    : `row ${row} is out of range (this comparison has rows 0–${rows - 1}): showing row ${rows - 1}`;
}

/** The linked row of a comparison of `strategies` over `scenario`, if it is the linked one. */
export function linkedRow(pending: Pending, strategies: StrategyId[], scenario: ScenarioId): number | undefined {
  const linked = pending.source;
  if (pending.row === undefined || linked?.kind !== 'compare') return undefined;
  if (linked.scenario !== scenario || linked.strategies.join(',') !== strategies.join(',')) return undefined;
  return pending.row;
}

// ---- what is on screen, as a link ---------------------------------------------------------------

/** The parts of the app's state a link restores (the stores' shapes, narrowed). */
export interface Screen {
  inspector: {
    view: LinkState['view'];
    files: Array<LinkedFile & { origin: 'sample' | 'file' }>;
    /** The built-in modules (public/samples/index.json): an open one is linked by its id. */
    builtins: Array<{ id: string; file: string }>;
    currentKey: string | null;
    tab: string;
    selectedSection: number | null;
    selectedSymbol: number | null;
    relocationSection: number | null;
  };
  explain: {
    ran: AppRequest | null;
    trace: object | null;
    step: number;
    selection: { kind: 'none' } | { kind: 'write'; step: number; event: number };
  };
  compare: { alignment: object | null; row: number };
}

/** Everything on screen that a link restores. Undefined while the explainer has not run yet. */
export function linkOf({ inspector: app, explain: ex, compare }: Screen): LinkState | undefined {
  if (app.view === 'inspect') {
    const state: LinkState = { view: 'inspect' };
    const f = app.files.find((x) => x.key === app.currentKey);
    if (f) {
      if (f.origin === 'sample') {
        const builtin = app.builtins.find((s) => s.file.split('/').pop() === f.name);
        if (builtin) state.open = { kind: 'sample', id: builtin.id };
      } else if (f.sha256) state.open = { kind: 'file', sha256: f.sha256, name: f.name };
      if (app.tab !== 'sections') state.tab = app.tab as LinkTab;
      if (app.selectedSection !== null) state.section = app.selectedSection;
      if (app.selectedSymbol !== null) state.symbol = app.selectedSymbol;
      if (app.relocationSection !== null) state.relsec = app.relocationSection;
    }
    return state;
  }
  if (!ex.ran) return undefined;
  const state: LinkState = { view: 'explain', source: sourceToLink(ex.ran, app.files) };
  if (ex.ran.kind === 'compare') {
    if (!compare.alignment) return undefined;
    state.row = compare.row;
  } else if (ex.trace) {
    state.step = ex.step;
    if (ex.selection.kind === 'write') state.select = { step: ex.selection.step, event: ex.selection.event };
  } else return undefined;
  return state;
}
