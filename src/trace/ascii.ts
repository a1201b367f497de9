// Plain-text renderings of a trace, under 80 columns, for terminals and mail.
import { hex } from '../format/hex.ts';
import { writeStats } from './events.ts';
import { moduleStateName } from './phases.ts';
import { permLetters, regionsAt } from './replay.ts';
import type { Step, StoredEvent, Trace } from './types.ts';
import { WHY } from './why.ts';

const PAGE_CHAR: Record<string, string> = { 'r-x': 'X', 'r--': 'R', 'rw-': 'W', rwx: '!' };

/** One line per page group: "klp_demo_target core  XXRRWW" with a legend. */
function pagesAscii(trace: Trace, stepIndex: number, width = 78): string[] {
  const lines: string[] = [];
  const regions = regionsAt(trace, stepIndex);
  const widest = Math.max(0, ...regions.map((r) => `${r.region.module} ${r.region.name}`.length));
  const pagesW = Math.max(0, ...regions.map((r) => (r.freed ? 7 : r.perms.length)));
  // Labels as wide as they need, as long as at least 16 pages (or all of them) still fit.
  const labelW = Math.max(20, Math.min(widest, width - 4 - Math.min(Math.max(pagesW, 7), 40)));
  for (const r of regions) {
    const name = `${r.region.module} ${r.region.name}`;
    const label = (name.length > labelW ? `${name.slice(0, labelW - 1)}…` : name).padEnd(labelW);
    const pages = r.freed ? '(freed)' : r.perms.map((p) => PAGE_CHAR[permLetters(p)]).join('');
    const room = width - labelW - 4;
    lines.push(`  ${label}  ${pages.length > room ? `${pages.slice(0, room - 1)}…` : pages}`);
  }
  if (lines.length) lines.push('  X r-x  R r--  W rw- (NX)  ! rwx: W^X broken');
  return lines;
}

function eventLine(e: StoredEvent): string | undefined {
  switch (e.kind) {
    case 'alloc':
      return `alloc ${e.region.module} ${e.region.name} ${hex(e.region.base, 16)} +${e.region.size}`;
    case 'free':
      return `free  ${e.region.module} ${e.region.name} ${hex(e.region.base, 16)}`;
    case 'perm':
      return `${e.fn}(${hex(e.addr, 16)}, ${e.pages}): ${e.changed.length} page(s) changed, ${e.flush}`;
    case 'state':
      return `${e.module}: ${moduleStateName(e.from)} -> ${moduleStateName(e.to)}`;
    case 'printk':
      return `printk: ${e.text}`;
    case 'fault':
      return e.oops.join('\n  ');
    case 'sync':
      return `${e.fn} (${e.why})`;
    default:
      return undefined;
  }
}

function summarize(trace: Trace, step: Step): string[] {
  const out: string[] = [];
  const copies = step.events.filter((e) => e.kind === 'copy');
  if (copies.length) out.push(`copy ${copies.length} section(s)`);
  const { byPath } = writeStats(trace, step);
  if (byPath.length) out.push(`write ${byPath.map((b) => `${b.count} via ${b.path}`).join(', ')}`);
  for (const e of step.events) {
    const line = eventLine(e);
    if (line) out.push(line);
  }
  return out;
}

/** Words wrapped to `width` columns; the first line after `first`, the next ones after `indent`. */
export function wrap(text: string, width: number, first = '', indent = first.replace(/./g, ' ')): string[] {
  const out: string[] = [];
  let line = first;
  let fresh = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!fresh && line.length + 1 + word.length > width) {
      out.push(line);
      line = indent;
      fresh = true;
    }
    // A word longer than a line (a path, a hash) is cut, never left to overflow.
    let w = word;
    while (line.length + (fresh ? 0 : 1) + w.length > width && w.length > 1) {
      const room = width - line.length - (fresh ? 0 : 1);
      if (room < 8) {
        out.push(line);
        line = indent;
        fresh = true;
        continue;
      }
      out.push(`${line}${fresh ? '' : ' '}${w.slice(0, room)}`);
      w = w.slice(room);
      line = indent;
      fresh = true;
    }
    line += `${fresh ? '' : ' '}${w}`;
    fresh = false;
  }
  if (!fresh || !out.length) out.push(line);
  return out;
}

export interface StepReportOptions {
  /** First line, e.g. "v5.4-flip × late-load (5.4: module_disable_ro() flip)". */
  heading?: string;
  /** The permalink: printed last, on a line of its own (the one line allowed past 78 columns). */
  link?: string;
  width?: number;
}

/**
 * One step as plain text for a terminal or a plain-text mail: what the kernel did (call path,
 * title, why it matters, the events), the RWX alarm, the pages of every module with their
 * permissions, and the permalink. Every line but the link fits `width` (78) columns.
 */
export function stepReport(trace: Trace, index: number, options: StepReportOptions = {}): string[] {
  const width = options.width ?? 78;
  const step = trace.steps[index];
  if (!step) return [`no step ${index}`];
  const lines: string[] = [];
  if (options.heading) lines.push(...wrap(options.heading, width));
  const head = `kernel ${trace.kernel}, step ${index} of ${trace.steps.length - 1}${step.module ? `, module ${step.module}` : ''}`;
  lines.push(...wrap(head, width), '='.repeat(Math.min(width, Math.max(...lines.map((l) => l.length), head.length))));
  lines.push(...wrap(step.title, width));
  lines.push(...wrap(step.path.join(' > '), width, '  at ', '     '));
  const fn = step.source?.fn ?? step.path.at(-1) ?? '';
  const why = WHY[fn] ?? WHY[step.path.at(-1) ?? ''];
  if (why) lines.push('', ...wrap(why, width));
  const events = summarize(trace, step);
  if (events.length) {
    lines.push('', 'What changed:');
    for (const e of events) for (const part of e.split('\n')) lines.push(...wrap(part.trim(), width, '  - ', '    '));
  }
  const rwx = regionsAt(trace, index).reduce(
    (n, r) => n + (r.freed ? 0 : r.perms.filter((p) => p.write && p.exec).length),
    0,
  );
  if (rwx)
    lines.push(
      '',
      ...wrap(
        `RWX! ${rwx} page${rwx === 1 ? ' is' : 's are'} writable and executable at this step: W^X is broken.`,
        width,
        '>>> ',
        '    ',
      ),
    );
  const pages = pagesAscii(trace, index, width);
  if (pages.length) lines.push('', 'Pages at the end of this step (one letter a page):', ...pages);
  if (options.link) lines.push('', 'Link:', options.link);
  return lines;
}

/** The CLI's `--step N`: the same text as the app's ASCII export, without the link. */
export function stepAscii(trace: Trace, index: number): string[] {
  return stepReport(trace, index);
}

export function traceAscii(trace: Trace): string[] {
  return [...traceAsciiSteps(trace)].flat();
}

/** traceAscii() a step at a time (its header line first), for output that streams. */
export function* traceAsciiSteps(trace: Trace): Generator<string[]> {
  yield [`kernel ${trace.kernel}: ${trace.steps.length} steps`];
  for (const s of trace.steps) {
    const lines = [`${String(s.index).padStart(4)} ${s.path.at(-1) ?? ''}: ${s.title}`.slice(0, 79)];
    for (const l of summarize(trace, s)) lines.push(`       ${l}`.slice(0, 79));
    yield lines;
  }
}
