// A compact, comparable view of a trace for golden tests and for the notes: the steps where the
// patch module's pages change permission or its late relocations are written, each as
// "<kernel function> <page permissions of each of its regions>".
import { permLetters, regionsAt } from '../trace/replay.ts';
import type { Trace } from '../trace/types.ts';

const KEY_FUNCTIONS = new Set(['klp_write_object_relocations', 'klp_apply_section_relocs', 'clear_relocate_add']);

export function permissionStory(trace: Trace, module: string): string[] {
  const out: string[] = [];
  let last = '';
  for (const step of trace.steps) {
    const now = regionsAt(trace, step.index)
      .filter((r) => r.region.module === module && !r.freed)
      .map((r) => `${r.region.name}:${r.perms.map(permLetters).join(',')}`)
      .join(' ');
    const fn = step.path.at(-1) ?? '';
    if (now !== last || (KEY_FUNCTIONS.has(fn) && step.module === module)) out.push(`${fn} ${now || '(gone)'}`.trim());
    last = now;
  }
  return out;
}
