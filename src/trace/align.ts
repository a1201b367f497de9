// Aligning the traces of several strategies for one scenario, so one cursor can move them all.
// Steps do not correspond 1:1 across designs (5.4 has module_disable_ro() where 5.8 has none,
// 6.1 applies .klp.rela.vmlinux at load, a reconstruction adds hook steps), so:
//  1. the scenario's operations are the anchors: the runner's outcomes[i].step starts operation i;
//     operations are matched across columns by what they do (insmod/rmmod/disable of a role);
//  2. inside a matched operation, steps are aligned by their kernel call path (Needleman–Wunsch
//     maximising a similarity score, gaps free), so `complete_formation › module_enable_ro` lines
//     up with itself whatever came before;
//  3. each aligned row gets a W^X signature per column (permission flips old→new, write paths,
//     syncs, faults, audit verdicts); rows whose signatures differ are marked.
// Pure: no DOM, no kernel logic, only the traces and the auditor's verdicts per step.
import { PERM_LABEL, permCode } from './perm_code.ts';
import type { Step, Trace } from './types.ts';
import { WRITE_PATHS } from './write_log.ts';

/** One column's input: a trace and where each scenario operation starts; null when refused. */
export interface AlignInput {
  trace: Trace;
  /** Per operation: a key saying what it does ("insmod:T"), and its first step. */
  ops: Array<{ key: string; label: string; step: number }>;
  /** Audit verdict kinds per step (auditTrace().byStep). */
  verdicts?: Map<number, readonly string[]>;
}

/** How much the designs differ at a row, most severe first. */
export type DiffKind =
  /** one column is W^X-unsafe here (an RWX page, a write after exec, a fault) and another is not */
  | 'wx'
  /** the kernel reports an error (a refusal, a failed load) in one design and not another */
  | 'fail'
  /** permission flips differ (set_memory_* with different old → new, or only in some) */
  | 'perm'
  /** bytes reach memory by a different path (store vs text_poke…), or syncs differ */
  | 'write'
  /** a step only some designs take, with no effect on memory */
  | 'only';

export interface AlignedRow {
  /** Step index per column at this row, or null when that design has no equivalent step. */
  cols: Array<number | null>;
  /** Index into Alignment.ops of the operation this row belongs to. */
  op: number;
  diff: DiffKind | null;
  /** Per column, the signature tokens (empty for a gap or a refused column). */
  sig: string[][];
}

export interface Alignment {
  rows: AlignedRow[];
  /** Operations in row order: label and first row. */
  ops: Array<{ label: string; key: string; fromRow: number; toRow: number }>;
  /** Per column, per step: its row (-1 for refused columns). */
  rowOfStep: number[][];
}

export const DIFF_RANK: Record<DiffKind, number> = { wx: 5, fail: 4, perm: 3, write: 2, only: 1 };

/** What a step does that matters for W^X, as comparable tokens (counts left out on purpose). */
function stepSignature(trace: Trace, step: Step, verdicts?: readonly string[]): string[] {
  const t = new Set<string>();
  for (const e of step.events) {
    if (e.kind === 'perm') {
      for (const c of e.changed) t.add(`${e.fn} ${PERM_LABEL[permCode(c.from)]}→${PERM_LABEL[permCode(c.to)]}`);
      if (e.flush !== 'none') t.add(`tlb ${e.flush}`);
    } else if (e.kind === 'writes') {
      let paths = 0; // one bit per WRITE_PATHS entry seen in the run
      for (let i = e.from; i < e.from + e.count; i++) paths |= 1 << trace.writes.path[i]!;
      WRITE_PATHS.forEach((p, bit) => paths & (1 << bit) && t.add(`write via ${writeClass(p)}`));
    } else if (e.kind === 'sync') t.add(e.fn);
    else if (e.kind === 'fault') t.add(`fault (${writeClass(e.path)})`);
    else if (e.kind === 'printk' && e.level === 'err') t.add('kernel error');
  }
  for (const v of verdicts ?? []) t.add(`audit: ${v}`);
  return [...t].sort();
}

const WX_TOKEN = /^(audit: (rwx|write-after-exec|fault|klp-rela-absent))|^fault/;
const PERM_TOKEN = /^set_memory_/;

function classify(sigs: string[][], present: boolean[]): DiffKind | null {
  const live = sigs.filter((_, i) => present[i]);
  const gap = present.some((p) => !p);
  const all = sigs.map((s) => new Set(s));
  const union = new Set(sigs.flat());
  const differs = (re: RegExp) => [...union].some((tok) => re.test(tok) && !all.every((s) => s.has(tok)));
  if (differs(WX_TOKEN)) return 'wx';
  if (differs(/^kernel error/)) return 'fail';
  if (differs(PERM_TOKEN)) return 'perm';
  if (differs(/^(write via|text_poke_sync|run_sync|tlb )/)) return 'write';
  if (gap && live.length > 0) return 'only';
  return null;
}

/**
 * Functions that do the same job under another name in another version: 5.8 replaced
 * klp_write_object_relocations() by klp_apply_section_relocs() (via klp_apply_object_relocs()),
 * 6.3 put klp_write_section_relocs() under it,
 * 6.x's elf_validity_check() grew out of elf_header_check().
 */
const SAME_JOB: Record<string, string> = {
  klp_write_object_relocations: 'klp_apply_section_relocs',
  klp_apply_object_relocs: 'klp_apply_section_relocs',
  // 6.3+: what klp_apply_section_relocs() calls, and what a recording sees for a module object
  klp_write_section_relocs: 'klp_apply_section_relocs',
  elf_header_check: 'elf_validity_check',
};
const job = (fn: string | undefined) => (fn ? (SAME_JOB[fn] ?? fn) : undefined);

/** How alike two steps are: 0 = never align them. */
function similarity(a: Step, b: Step): number {
  const pa = a.path.join('>');
  const pb = b.path.join('>');
  if (pa === pb) return a.title === b.title ? 6 : a.module === b.module ? 5 : 4;
  const la = job(a.path.at(-1));
  const lb = job(b.path.at(-1));
  if (la && la === lb) return a.path[1] === b.path[1] ? 3 : 2;
  const sa = job(a.source?.fn);
  if (sa && sa === job(b.source?.fn)) return 1;
  return 0;
}

/** store (5.4) and memcpy (5.8+) are both plain writes through the page's own mapping. */
const writeClass = (path: string) =>
  path === 'store' || path === 'memcpy' || path === 'probe_kernel_write' ? 'a plain store/memcpy' : path;

/**
 * Global alignment (Needleman–Wunsch, gaps cost nothing, mismatches are not allowed) of the
 * existing rows (scored against every column's step in the row) with a new column's steps.
 * Returns pairs [rowIndex | -1, step | -1] in order.
 */
function alignSegment(rowSteps: Array<Step[]>, steps: Step[]): Array<[number, number]> {
  const n = rowSteps.length;
  const m = steps.length;
  // Big segments (a driver with thousands of relocation steps): fall back to a greedy walk.
  if (n * m > 4_000_000) return greedy(rowSteps, steps);
  const W = m + 1;
  const score = new Float64Array((n + 1) * W);
  const sim = (i: number, j: number) => {
    let best = 0;
    for (const s of rowSteps[i]!) best = Math.max(best, similarity(s, steps[j]!));
    return best;
  };
  const simAt = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) simAt[i * m + j] = sim(i, j);
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      const s = simAt[(i - 1) * m + (j - 1)]!;
      const diag = s > 0 ? score[(i - 1) * W + (j - 1)]! + s : -Infinity;
      score[i * W + j] = Math.max(diag, score[(i - 1) * W + j]!, score[i * W + (j - 1)]!);
    }
  const out: Array<[number, number]> = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = score[i * W + j]!;
    if (i > 0 && j > 0) {
      const s = simAt[(i - 1) * m + (j - 1)]!;
      if (s > 0 && here === score[(i - 1) * W + (j - 1)]! + s) {
        out.push([i - 1, j - 1]);
        i--;
        j--;
        continue;
      }
    }
    // Prefer emitting the new column's extra step after the row's (keeps a design's own steps
    // next to where they happen).
    if (j > 0 && (i === 0 || here === score[i * W + (j - 1)]!)) {
      out.push([-1, j - 1]);
      j--;
    } else {
      out.push([i - 1, -1]);
      i--;
    }
  }
  return out.reverse();
}

function greedy(rowSteps: Array<Step[]>, steps: Step[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  for (let j = 0; j < steps.length; j++) {
    let k = i;
    while (k < rowSteps.length && k < i + 64 && !rowSteps[k]!.some((s) => similarity(s, steps[j]!) >= 4)) k++;
    if (k < rowSteps.length && k < i + 64) {
      for (; i < k; i++) out.push([i, -1]);
      out.push([i++, j]);
    } else out.push([-1, j]);
  }
  for (; i < rowSteps.length; i++) out.push([i, -1]);
  return out;
}

/** Operations matched across columns by key, in order (LCS over the key sequences). */
function alignOps(columns: Array<AlignInput | null>): Array<{ key: string; label: string; idx: Array<number | null> }> {
  let groups: Array<{ key: string; label: string; idx: Array<number | null> }> = [];
  columns.forEach((col, c) => {
    if (!col) return;
    if (!groups.length) {
      groups = col.ops.map((o, i) => ({
        key: o.key,
        label: o.label,
        idx: columns.map((_, k) => (k === c ? i : null)),
      }));
      return;
    }
    const a = groups.map((g) => g.key);
    const b = col.ops.map((o) => o.key);
    const L = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--)
      for (let j = b.length - 1; j >= 0; j--)
        L[i]![j] = a[i] === b[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
    const next: typeof groups = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        groups[i]!.idx[c] = j;
        next.push(groups[i]!);
        i++;
        j++;
      } else if (j < b.length && (i >= a.length || L[i]![j + 1]! >= L[i + 1]![j]!)) {
        next.push({ key: b[j]!, label: col.ops[j]!.label, idx: columns.map((_, k) => (k === c ? j : null)) });
        j++;
      } else {
        next.push(groups[i]!);
        i++;
      }
    }
    groups = next;
  });
  return groups;
}

export function alignTraces(columns: Array<AlignInput | null>): Alignment {
  const C = columns.length;
  const rows: AlignedRow[] = [];
  const ops: Alignment['ops'] = [];
  const groups = alignOps(columns);
  groups.forEach((g, gi) => {
    const fromRow = rows.length;
    let seg: Array<Array<number | null>> = [];
    columns.forEach((col, c) => {
      const oi = g.idx[c];
      if (!col || oi === null || oi === undefined) return;
      const from = col.ops[oi]!.step;
      const to = col.ops[oi + 1]?.step ?? col.trace.steps.length;
      const steps = col.trace.steps.slice(from, to);
      if (!seg.length) {
        seg = steps.map((s) => columns.map((_, k) => (k === c ? s.index : null)));
        return;
      }
      const rowSteps = seg.map((r) => r.flatMap((s, k) => (s === null ? [] : [columns[k]!.trace.steps[s]!])));
      const pairs = alignSegment(rowSteps, steps);
      seg = pairs.map(([ri, sj]) => {
        const row = ri >= 0 ? seg[ri]! : columns.map(() => null);
        if (sj >= 0) row[c] = steps[sj]!.index;
        return row;
      });
    });
    for (const cols of seg) {
      const present = cols.map((s, c) => s !== null && columns[c] !== null);
      const sig = cols.map((s, c) =>
        s === null || !columns[c]
          ? []
          : stepSignature(columns[c]!.trace, columns[c]!.trace.steps[s]!, columns[c]!.verdicts?.get(s)),
      );
      const live = columns.map((col) => col !== null);
      // A refused column is not "missing a step": it is compared by nobody.
      const diff = classify(
        sig.filter((_, c) => live[c]),
        present.filter((_, c) => live[c]),
      );
      rows.push({ cols, op: gi, diff, sig });
    }
    ops.push({ label: g.label, key: g.key, fromRow, toRow: rows.length });
  });
  const rowOfStep = columns.map((col) => (col ? new Array<number>(col.trace.steps.length).fill(-1) : []));
  rows.forEach((r, ri) => r.cols.forEach((s, c) => s !== null && (rowOfStep[c]![s] = ri)));
  void C;
  return { rows, ops, rowOfStep };
}

/** The step a column shows at a row: its own step there, else the last one before (held). */
export function stepAtRow(al: Alignment, column: number, row: number): { step: number; held: boolean } {
  for (let r = Math.min(row, al.rows.length - 1); r >= 0; r--) {
    const s = al.rows[r]!.cols[column];
    if (s !== null && s !== undefined) return { step: s, held: r !== row };
  }
  return { step: 0, held: true };
}

/** Next / previous row whose diff is at least `min` (default: any difference). */
export function diffNeighbour(al: Alignment, row: number, dir: -1 | 1, min: DiffKind = 'only'): number {
  for (let r = row + dir; r >= 0 && r < al.rows.length; r += dir) {
    const d = al.rows[r]!.diff;
    if (d && DIFF_RANK[d] >= DIFF_RANK[min]) return r;
  }
  return row;
}

/** The first row where designs differ on W^X (else on permissions), for opening a comparison. */
export function firstImportantDiff(al: Alignment): number {
  for (const kind of ['wx', 'fail', 'perm'] as DiffKind[]) {
    const r = al.rows.findIndex((x) => x.diff === kind);
    if (r >= 0) return r;
  }
  return 0;
}
