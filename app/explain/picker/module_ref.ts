// A module as a <select> option value: `sample:<id>` (a built-in one) or `file:<key>` (open in the
// inspector).

import { kernelChoices } from '../../../src/engine/kernels.ts';
import type { KernelId } from '../../../src/kernel/profile.ts';
import type { BuiltinModule } from '../../builtin_modules.ts';
import type { ModuleRef } from '../state/request.ts';

export function refValue(ref: ModuleRef): string {
  return ref.kind === 'sample' ? `sample:${ref.id}` : `file:${ref.key}`;
}

/**
 * How a built-in module is listed: its title (index.json), which names the file and what tells it
 * from the others of the same name (the build, before or after klp-convert).
 */
export const builtinLabel = (m: BuiltinModule): string => m.title;

/** How a module open in the inspector is listed: a user's own file says so, a built-in one too. */
export const openFileLabel = (f: { name: string; origin: 'sample' | 'file' }): string =>
  `${f.name} — ${f.origin === 'sample' ? 'built-in sample, open in the inspector' : 'your file'}`;

/**
 * The built-in sample a kernel plays for `ref`: a demo module of one build becomes the same file
 * of the build for `kernel` (klp/ ↔ klp-6.12/); anything else stays.
 */
export function sampleForKernel(ref: ModuleRef, builtins: BuiltinModule[], kernel: KernelId): ModuleRef {
  if (ref.kind !== 'sample') return ref;
  const m = builtins.find((b) => b.id === ref.id);
  const [folder, ...rest] = m?.file.split('/') ?? [];
  const builds = new Set(Object.values(kernelChoices).map((c) => c.samples as string));
  if (!m || !folder || !builds.has(folder)) return ref;
  const twin = builtins.find((b) => b.file === `${kernelChoices[kernel].samples}/${rest.join('/')}`);
  return twin ? { kind: 'sample', id: twin.id } : ref;
}

export function parseRef(v: string): ModuleRef {
  const [kind, id = ''] = v.split(/:(.*)/s);
  return kind === 'file' ? { kind: 'file', key: id } : { kind: 'sample', id };
}
