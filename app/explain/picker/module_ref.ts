// A module as a <select> option value: `sample:<id>` (a built-in one) or `file:<key>` (open in the
// inspector).
import type { ModuleRef } from '../state/request.ts';

export function refValue(ref: ModuleRef): string {
  return ref.kind === 'sample' ? `sample:${ref.id}` : `file:${ref.key}`;
}

export function parseRef(v: string): ModuleRef {
  const [kind, id = ''] = v.split(/:(.*)/s);
  return kind === 'file' ? { kind: 'file', key: id } : { kind: 'sample', id };
}
