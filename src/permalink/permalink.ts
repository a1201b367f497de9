// klp-lab permalinks, format v=1 (docs/permalinks.md). Pure: a LinkState <-> a query string
// ("v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=78"), kept in the URL's hash so
// nothing about the user's files (name, sha256) ever reaches a server. Links made before v=1
// (plain query parameters: ?view=explain&kernel=6.1&seq=…&step=N) decode as the legacy form.
//
// Decoding never throws and never trusts its input: unknown or malformed fields are dropped with
// a warning, ids are checked against the core's lists, text (file names, captions) is length-capped
// and stripped of control characters; the app only ever renders it as text.
import { parseKernelId, parseRole, parseScenarioId, parseStrategyId, unknownId } from '../engine/parse.ts';
import type { LinkedFileRef, RoleModules, RunRequest, SampleRef, SequenceOp } from '../engine/request.ts';
import type { ScenarioId } from '../scenarios/scenarios.ts';
import { ROLES } from '../scenarios/scenarios.ts';
import type { StrategyId } from '../strategies/strategies.ts';

const LINK_VERSION = 1;

export const LINK_TABS = ['header', 'sections', 'symbols', 'relocations', 'hex', 'modinfo', 'signature'] as const;
export type LinkTab = (typeof LINK_TABS)[number];

/** What an embed shows: the memory map, the timeline, or the side-by-side comparison. */
export const EMBED_VIEWS = ['map', 'timeline', 'compare'] as const;
export type EmbedView = (typeof EMBED_VIEWS)[number];

/** A module: a built-in sample by id, or the user's own file by content hash and name. */
export type LinkModule = SampleRef | LinkedFileRef;

/**
 * A step: its index, or (robust against the emulated kernel growing new steps) the nth step whose
 * kernel function is `fn` — `step=klp_write_object_relocations.2`, `.last` for the last one.
 */
export type StepRef = number | { fn: string; nth: number | 'last' };

export interface LinkState {
  view: 'inspect' | 'explain';
  /** Inspector: the module on screen, its tab, the selected section / symbol / relocation section. */
  open?: LinkModule;
  tab?: LinkTab;
  section?: number;
  symbol?: number;
  relsec?: number;
  /** Explainer: what ran, where the cursor is (step of a trace, row of a comparison), what is selected. */
  source?: RunRequest<LinkModule>;
  step?: StepRef;
  row?: number;
  /** A selected write: step and event index inside the step. */
  select?: { step: number; event: number };
  /** Embed mode: one view with minimal chrome, and an optional caption (shown as text). */
  embed?: EmbedView;
  caption?: string;
  /** Presenter mode: the map and narration for a projector (`present=1`), or its speaker's notes window. */
  present?: 'slides' | 'notes';
}

export interface Decoded {
  state: LinkState;
  /** Which form the link had: v=1, a pre-v=1 query link, or nothing at all. */
  form: 'v1' | 'legacy' | 'none';
  /** What was dropped and why (shown to the user when not empty). */
  warnings: string[];
}

// ---- validation -----------------------------------------------------------------------------

const ID = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;
const FN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const MAX_INDEX = 10_000_000;
export const MAX_CAPTION = 200;
export const MAX_FILE_NAME = 255;
const MAX_OPS = 32;
/** What stands in for an unknown half of strategy + scenario: the merged design, on late module patching. */
const DEFAULT_STRATEGY: StrategyId = 'text-poke';
const DEFAULT_SCENARIO: ScenarioId = 'late-load';

const isSampleId = (s: string) => ID.test(s);
const isModuleName = (s: string) => ID.test(s);
const isSha256 = (s: string) => SHA256.test(s);

/** Printable text only: control characters (incl. newlines, bidi overrides) removed, capped. */
export function cleanText(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const printable = s
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
  return [...printable].slice(0, max).join('').trim();
}

const isIndex = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_INDEX;

function parseIndex(v: string | null): number | undefined {
  if (v === null || !/^\d{1,8}$/.test(v)) return undefined;
  const n = Number(v);
  return isIndex(n) ? n : undefined;
}

function parseStepRef(v: string): StepRef | undefined {
  const n = parseIndex(v);
  if (n !== undefined) return n;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.(\d{1,4}|last))?$/.exec(v);
  if (!m || !FN.test(m[1]!)) return undefined;
  const nth = m[2] === undefined ? 1 : m[2] === 'last' ? 'last' : Number(m[2]);
  if (nth !== 'last' && nth < 1) return undefined;
  return { fn: m[1]!, nth };
}

const stepRefText = (r: StepRef) => (typeof r === 'number' ? String(r) : r.nth === 1 ? r.fn : `${r.fn}.${r.nth}`);

// ---- encode ---------------------------------------------------------------------------------

/** The file table: each distinct file once (`file=<sha256>:<name>`), referred to as `@<index>`. */
class Files {
  list: Array<{ sha256: string; name: string }> = [];
  ref(m: LinkModule): string {
    if (m.kind === 'sample') return m.id;
    let i = this.list.findIndex((f) => f.sha256 === m.sha256 && f.name === m.name);
    if (i < 0) i = this.list.push({ sha256: m.sha256, name: m.name }) - 1;
    return `@${i}`;
  }
}

function rolesText(roles: RoleModules<LinkModule>, files: Files): string {
  return ROLES.filter((r) => roles[r])
    .map((r) => `${r}:${files.ref(roles[r]!)}`)
    .join(',');
}

/** The v=1 query string of a state (no leading '#' or '?'). Fields in a fixed order. */
export function encodeLink(state: LinkState): string {
  const files = new Files();
  const p: Array<[string, string]> = [
    ['v', String(LINK_VERSION)],
    ['view', state.view],
  ];
  // Module references first (so the file table is complete), emitted after `view`.
  const body: Array<[string, string]> = [];
  if (state.open) body.push(['open', files.ref(state.open)]);
  if (state.tab) body.push(['tab', state.tab]);
  if (state.section !== undefined) body.push(['sec', String(state.section)]);
  if (state.symbol !== undefined) body.push(['sym', String(state.symbol)]);
  if (state.relsec !== undefined) body.push(['rel', String(state.relsec)]);
  const s = state.source;
  if (s?.kind === 'sequence') {
    body.push(['kernel', s.kernel]);
    body.push([
      'seq',
      s.ops.map((o) => (o.op === 'insmod' ? `insmod:${files.ref(o.module)}` : `${o.op}:${o.name}`)).join(','),
    ]);
    if (s.fakeMissingSymbols) body.push(['fake', '1']);
  } else if (s?.kind === 'scenario') {
    body.push(['strategy', s.strategy], ['scenario', s.scenario]);
    if (s.roles && Object.keys(s.roles).length) body.push(['roles', rolesText(s.roles, files)]);
  } else if (s?.kind === 'compare') {
    body.push(['compare', s.strategies.join(',')], ['scenario', s.scenario]);
    if (s.roles && Object.keys(s.roles).length) body.push(['roles', rolesText(s.roles, files)]);
  }
  if (state.step !== undefined) body.push(['step', stepRefText(state.step)]);
  if (state.row !== undefined) body.push(['row', String(state.row)]);
  if (state.select) body.push(['sel', `${state.select.step}.${state.select.event}`]);
  if (state.embed) body.push(['embed', state.embed]);
  if (state.caption) body.push(['caption', state.caption]);
  if (state.present) body.push(['present', state.present === 'slides' ? '1' : 'notes']);
  for (const f of files.list) p.push(['file', `${f.sha256}:${f.name}`]);
  return new URLSearchParams([...p, ...body]).toString();
}

/**
 * A full link: `base` (the app's URL without query or hash) plus the state in the hash. An embed
 * link carries `?embed=<view>` in the query too, as the embed snippet documents it.
 */
export function linkHref(base: string, state: LinkState): string {
  const query = state.embed ? `?embed=${state.embed}` : '';
  return `${base}${query}#${encodeLink(state)}`;
}

// ---- decode ---------------------------------------------------------------------------------

function parseModule(
  v: string,
  files: Array<{ sha256: string; name: string } | undefined>,
  warnings: string[],
): LinkModule | undefined {
  if (v.startsWith('@')) {
    const i = parseIndex(v.slice(1));
    const f = i === undefined ? undefined : files[i];
    if (!f) {
      warnings.push(`no file ${v} in the link's file table`);
      return undefined;
    }
    return { kind: 'file', sha256: f.sha256, name: f.name };
  }
  if (isSampleId(v)) return { kind: 'sample', id: v };
  warnings.push(`not a sample id: ${JSON.stringify(v.slice(0, 40))}`);
  return undefined;
}

function parseOps(
  v: string,
  files: Array<{ sha256: string; name: string } | undefined>,
  warnings: string[],
): SequenceOp<LinkModule>[] {
  const ops: SequenceOp<LinkModule>[] = [];
  for (const item of v.split(',').filter(Boolean)) {
    const at = item.indexOf(':');
    const op = item.slice(0, at);
    const arg = item.slice(at + 1);
    if (at < 0 || !arg) {
      warnings.push(`seq: ${JSON.stringify(item.slice(0, 40))} is not op:module`);
      continue;
    }
    if (op === 'insmod') {
      const module = parseModule(arg, files, warnings);
      if (module) ops.push({ op: 'insmod', module });
    } else if ((op === 'rmmod' || op === 'disable') && isModuleName(arg)) ops.push({ op, name: arg });
    else
      warnings.push(`seq: ${JSON.stringify(item.slice(0, 40))} is not insmod:<module>, rmmod:<name> or disable:<name>`);
    if (ops.length >= MAX_OPS) break;
  }
  return ops;
}

function parseRoles(
  v: string,
  files: Array<{ sha256: string; name: string } | undefined>,
  warnings: string[],
): RoleModules<LinkModule> | undefined {
  const roles: RoleModules<LinkModule> = {};
  for (const item of v.split(',').filter(Boolean)) {
    const [name, ref = ''] = item.split(/:(.*)/s);
    const role = parseRole(name);
    if (!role) {
      warnings.push(`roles: ${unknownId('role', name ?? '')}`);
      continue;
    }
    const m = parseModule(ref, files, warnings);
    if (m) roles[role] = m;
  }
  return Object.keys(roles).length ? roles : undefined;
}

function parseStrategies(v: string, warnings: string[]): StrategyId[] {
  const out: StrategyId[] = [];
  for (const text of v.split(',').filter(Boolean)) {
    const id = parseStrategyId(text);
    if (!id) warnings.push(`compare: ${unknownId('strategy', text)}`);
    else if (!out.includes(id)) out.push(id);
  }
  return out;
}

function parseSource(
  p: URLSearchParams,
  files: Array<{ sha256: string; name: string } | undefined>,
  warnings: string[],
): RunRequest<LinkModule> | undefined {
  const scenarioParam = p.get('scenario');
  const scenario = parseScenarioId(scenarioParam);
  if (scenarioParam !== null && !scenario) warnings.push(unknownId('scenario', scenarioParam));
  const rolesParam = p.get('roles');
  const roles = rolesParam ? parseRoles(rolesParam, files, warnings) : undefined;
  const compare = p.get('compare');
  if (compare !== null) {
    const list = parseStrategies(compare, warnings);
    if (!scenario) warnings.push(`compare: showing the scenario ${DEFAULT_SCENARIO}`);
    return { kind: 'compare', strategies: list, scenario: scenario ?? DEFAULT_SCENARIO, ...(roles ? { roles } : {}) };
  }
  const strategyParam = p.get('strategy');
  if (strategyParam !== null) {
    // Whichever of the two is known is kept; the other is the default, and the warning says which.
    const strategy = parseStrategyId(strategyParam);
    if (!strategy && !scenario) {
      warnings.push(`${unknownId('strategy', strategyParam)}: showing the default story`);
      return undefined;
    }
    if (!strategy) warnings.push(`${unknownId('strategy', strategyParam)}: showing ${DEFAULT_STRATEGY} instead`);
    if (!scenario) warnings.push(`showing ${strategy} on the scenario ${DEFAULT_SCENARIO}`);
    return {
      kind: 'scenario',
      strategy: strategy ?? DEFAULT_STRATEGY,
      scenario: scenario ?? DEFAULT_SCENARIO,
      ...(roles ? { roles } : {}),
    };
  }
  const seq = p.get('seq');
  if (seq === null) return undefined;
  const k = p.get('kernel');
  const kernel = parseKernelId(k) ?? '6.1';
  if (k !== null && k !== kernel) warnings.push(`${unknownId('kernel', k)}: using 6.1`);
  return {
    kind: 'sequence',
    kernel,
    ops: parseOps(seq, files, warnings),
    fakeMissingSymbols: p.get('fake') === '1',
  };
}

/** Reads a v=1 parameter set (or, with `legacy`, the pre-v=1 query parameters). */
function decodeParams(p: URLSearchParams, legacy = false): { state: LinkState; warnings: string[] } {
  const warnings: string[] = [];
  const v = p.get('v');
  if (!legacy && v !== String(LINK_VERSION))
    warnings.push(`link version ${JSON.stringify((v ?? '').slice(0, 8))}: read as v=1`);
  const files: Array<{ sha256: string; name: string } | undefined> = p.getAll('file').map((f) => {
    const sha256 = f.slice(0, 64);
    const name = cleanText(f.slice(65), MAX_FILE_NAME);
    if (!isSha256(sha256) || f[64] !== ':' || !name) {
      warnings.push('a file entry is not <sha256>:<name>');
      return undefined;
    }
    return { sha256, name };
  });
  const view = p.get('view') === 'explain' ? 'explain' : 'inspect';
  const state: LinkState = { view };
  const open = p.get(legacy ? 'sample' : 'open');
  if (open !== null) {
    const m = parseModule(open, files, warnings);
    if (m) state.open = m;
  }
  const tab = p.get('tab');
  if (tab !== null) {
    if ((LINK_TABS as readonly string[]).includes(tab)) state.tab = tab as LinkTab;
    else warnings.push(`unknown tab ${JSON.stringify(tab.slice(0, 20))}`);
  }
  for (const [key, field] of [
    ['sec', 'section'],
    ['sym', 'symbol'],
    ['rel', 'relsec'],
    ['row', 'row'],
  ] as const) {
    const raw = p.get(key);
    if (raw === null) continue;
    const n = parseIndex(raw);
    if (n === undefined) warnings.push(`${key}: not an index`);
    else state[field] = n;
  }
  const source = parseSource(p, files, warnings);
  if (source) state.source = source;
  const step = p.get('step');
  if (step !== null) {
    const r = parseStepRef(step);
    if (r === undefined)
      warnings.push(`step: ${JSON.stringify(step.slice(0, 40))} is neither an index nor a kernel function`);
    else state.step = r;
  }
  const sel = p.get('sel');
  if (sel !== null) {
    const m = /^(\d{1,8})\.(\d{1,8})$/.exec(sel);
    if (m && isIndex(Number(m[1])) && isIndex(Number(m[2]))) state.select = { step: Number(m[1]), event: Number(m[2]) };
    else warnings.push('sel: not <step>.<event>');
  }
  const embed = p.get('embed');
  if (embed !== null) state.embed = embedView(embed, state.source);
  const caption = p.get('caption');
  if (caption !== null) {
    const c = cleanText(caption, MAX_CAPTION);
    if (c) state.caption = c;
  }
  const present = p.get('present');
  if (present === '1') state.present = 'slides';
  else if (present === 'notes') state.present = 'notes';
  else if (present !== null) warnings.push('present: not 1 or notes');
  return { state, warnings };
}

/** `?embed` alone picks the natural view: the comparison for a comparison, else the map. */
function embedView(v: string, source: RunRequest<LinkModule> | undefined): EmbedView {
  if ((EMBED_VIEWS as readonly string[]).includes(v)) return v as EmbedView;
  return source?.kind === 'compare' ? 'compare' : 'map';
}

/** Parses a v=1 link string (a hash or query without its leading character). */
export function decodeLink(text: string): Decoded {
  const { state, warnings } = decodeParams(new URLSearchParams(text));
  return { state, warnings, form: 'v1' };
}

/**
 * Where the app starts: the v=1 state in the hash (or, as typed by hand, in the query), else a
 * legacy query link. `embed` and `caption` may also sit in the query of a v=1 link (the embed
 * snippet puts `?embed=<view>` there).
 */
export function decodeLocation(search: string, hash: string): Decoded {
  const q = new URLSearchParams(search.replace(/^\?/, ''));
  const h = new URLSearchParams(hash.replace(/^#/, ''));
  let decoded: Decoded;
  if (h.has('v')) decoded = decodeLink(hash.replace(/^#/, ''));
  else if (q.has('v')) decoded = decodeLink(search.replace(/^\?/, ''));
  else {
    const legacyKeys = ['view', 'kernel', 'seq', 'fake', 'strategy', 'scenario', 'compare', 'step', 'row', 'sample'];
    const { state, warnings } = decodeParams(q, true);
    const any = legacyKeys.some((k) => q.has(k));
    // A page opened without a link starts on the livepatch story; `?view=inspect` on the inspector.
    if (!any) state.view = 'explain';
    decoded = { state, warnings, form: any ? 'legacy' : 'none' };
  }
  const embed = q.get('embed');
  if (embed !== null && decoded.state.embed === undefined) decoded.state.embed = embedView(embed, decoded.state.source);
  const caption = q.get('caption');
  if (caption !== null && decoded.state.caption === undefined) {
    const c = cleanText(caption, MAX_CAPTION);
    if (c) decoded.state.caption = c;
  }
  return decoded;
}

/** The step a StepRef names in a trace (by index, clamped; or the nth step in function `fn`). */
export function resolveStep(
  ref: StepRef,
  steps: ReadonlyArray<{ path: string[]; source?: { fn: string } }>,
): number | undefined {
  if (!steps.length) return undefined;
  if (typeof ref === 'number') return Math.max(0, Math.min(steps.length - 1, ref));
  const hits: number[] = [];
  steps.forEach((s, i) => {
    if (s.path.at(-1) === ref.fn || s.source?.fn === ref.fn) hits.push(i);
  });
  if (!hits.length) return undefined;
  return ref.nth === 'last' ? hits.at(-1) : hits[Math.min(hits.length, ref.nth) - 1];
}
