// /sys/kernel/livepatch as the emulated kernel would show it (kernel/livepatch/core.c 6.1:
// klp_init_patch/object/func kobjects and their attributes): the patches, their objects with
// `patched`, and one directory per function named "<old_name>,<old_sympos or 1>".
import type { Kernel } from '../kernel.ts';
import { klpState, objectName } from './state.ts';

export function livepatchSysfs(k: Kernel): Record<string, string | null> {
  const root = '/sys/kernel/livepatch/';
  const out: Record<string, string | null> = { [root]: null };
  for (const patch of klpState(k).patches) {
    const dir = `${root}${patch.mod.name}/`;
    out[dir] = null;
    out[`${dir}enabled`] = patch.enabled ? '1' : '0';
    out[`${dir}transition`] = '0'; // transitions complete at once here
    out[`${dir}force`] = ''; // write-only
    for (const obj of patch.objs) {
      if (obj.dynamic) continue; // NOP objects of a replace have no kobject shown here once discarded
      const o = `${dir}${objectName(obj)}/`;
      out[o] = null;
      out[`${o}patched`] = obj.patched ? '1' : '0';
      for (const f of obj.funcs) if (!f.nop) out[`${o}${f.old_name},${f.old_sympos || 1}/`] = null;
    }
  }
  return out;
}
