// Plain-text renderings of a trace, under 80 columns, for terminals and mail.
import { hex } from '../kernel/mm/page.ts';
import { permLetters, regionsAt } from './replay.ts';
import type { Step, Trace, TraceEvent } from './types.ts';

const PAGE_CHAR: Record<string, string> = { 'r-x': 'X', 'r--': 'R', 'rw-': 'W', rwx: '!' };

/** One line per page group: "klp_demo_target core  XXRRWW" with a legend. */
export function pagesAscii(trace: Trace, stepIndex: number, width = 78): string[] {
  const lines: string[] = [];
  for (const r of regionsAt(trace, stepIndex)) {
    const label = `${r.region.module} ${r.region.name}`.padEnd(28).slice(0, 28);
    const pages = r.freed ? '(freed)' : r.perms.map((p) => PAGE_CHAR[permLetters(p)]).join('');
    const room = width - 30;
    lines.push(`${label}  ${pages.length > room ? pages.slice(0, room - 1) + '…' : pages}`);
  }
  if (lines.length) lines.push('pages: X r-x  R r--  W rw-  ! rwx (W^X broken)');
  return lines;
}

function eventLine(e: TraceEvent): string | undefined {
  switch (e.kind) {
    case 'alloc':
      return `alloc ${e.region.module} ${e.region.name} ${hex(e.region.base)} +${e.region.size}`;
    case 'free':
      return `free  ${e.region.module} ${e.region.name} ${hex(e.region.base)}`;
    case 'perm':
      return `${e.fn}(${hex(e.addr)}, ${e.pages}): ${e.changed.length} page(s) changed, ${e.flush}`;
    case 'state':
      return `${e.module}: ${e.from} -> ${e.to}`;
    case 'printk':
      return `printk: ${e.text}`;
    case 'fault':
      return e.oops.join('\n  ');
    case 'sync':
      return `text_poke_sync (${e.why})`;
    default:
      return undefined;
  }
}

function summarize(step: Step): string[] {
  const out: string[] = [];
  const writes = step.events.filter((e) => e.kind === 'write');
  const copies = step.events.filter((e) => e.kind === 'copy');
  if (copies.length) out.push(`copy ${copies.length} section(s)`);
  if (writes.length) {
    const byPath = new Map<string, number>();
    for (const w of writes) if (w.kind === 'write') byPath.set(w.path, (byPath.get(w.path) ?? 0) + 1);
    out.push(`write ${[...byPath].map(([p, n]) => `${n} via ${p}`).join(', ')}`);
  }
  for (const e of step.events) {
    const line = eventLine(e);
    if (line) out.push(line);
  }
  return out;
}

export function stepAscii(trace: Trace, index: number): string[] {
  const step = trace.steps[index];
  if (!step) return [`no step ${index}`];
  return [
    `step ${index}/${trace.steps.length - 1}  ${step.module ?? ''}`.trimEnd(),
    `  ${step.path.join(' > ')}`,
    `  ${step.title}`,
    ...summarize(step).map((l) => `  - ${l}`),
    '',
    ...pagesAscii(trace, index),
  ];
}

export function traceAscii(trace: Trace): string[] {
  const lines = [`kernel ${trace.kernel}: ${trace.steps.length} steps`];
  for (const s of trace.steps) {
    lines.push(`${String(s.index).padStart(4)} ${s.path.at(-1) ?? ''}: ${s.title}`.slice(0, 79));
    for (const l of summarize(s)) lines.push(`       ${l}`.slice(0, 79));
  }
  return lines;
}
