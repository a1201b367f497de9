// kernel/livepatch/transition.c (6.1): starting and completing a patch's transition. Transitions
// complete at once: the emulator runs no tasks, so none can be sleeping in a function being
// patched, and klp_try_complete_transition() always finds every task switched.
// klp_unpatch_replaced_patches(), klp_discard_nops() and the freeing of a patch are core.c's
// (core.h declares them for this file); they are written here, beside their only caller,
// because core.ts starts transitions and so imports this file.
import type { Kernel } from '../kernel_types.ts';
import { klp_unpatch_object } from './patch.ts';
import { type KlpPatch, klpState } from './types.ts';

const FILE = 'kernel/livepatch/transition.c';
export type KlpTarget = 'patching' | 'unpatching';

/** klp_free_patch_finish() (core.c): off the list, and the patch module can be removed (module_put). */
function klp_free_patch(k: Kernel, patch: KlpPatch): void {
  const st = klpState(k);
  st.patches.splice(st.patches.indexOf(patch), 1);
  patch.mod.refcnt--;
}

function klp_complete_transition(k: Kernel, patch: KlpPatch, target: KlpTarget): void {
  k.trace.call('klp_complete_transition', () => {
    k.trace.step(`every task is switched: ${target} complete`, { module: patch.mod.name, file: FILE });
    const st = klpState(k);
    if (target === 'patching' && patch.replace) {
      for (const old of st.patches.filter((p) => p !== patch)) {
        k.trace.call('klp_unpatch_replaced_patches', () => {
          old.enabled = false;
          for (const obj of old.objs) klp_unpatch_object(k, obj);
        });
      }
      k.trace.call('klp_discard_nops', () => {
        for (const obj of patch.objs) klp_unpatch_object(k, obj, true);
        patch.objs = patch.objs.filter((o) => !o.dynamic).map((o) => ({ ...o, funcs: o.funcs.filter((f) => !f.nop) }));
      });
    }
    if (target === 'unpatching') for (const obj of patch.objs) klp_unpatch_object(k, obj);
    k.trace.printk('notice', `livepatch: '${patch.mod.name}': ${target} complete`);
    // klp_try_complete_transition() frees after completing (klp_free_patch_async(),
    // klp_free_replaced_patches_async())
    if (target === 'unpatching') klp_free_patch(k, patch);
    else if (patch.replace) for (const old of st.patches.filter((p) => p !== patch)) klp_free_patch(k, old);
  });
}

export function klp_start_transition(k: Kernel, patch: KlpPatch, target: KlpTarget): void {
  k.trace.call('klp_start_transition', () => {
    k.trace.step(`start the ${target} transition`, { module: patch.mod.name, file: FILE });
    k.trace.printk('notice', `livepatch: '${patch.mod.name}': starting ${target} transition`);
  });
}

export function klp_try_complete_transition(k: Kernel, patch: KlpPatch, target: KlpTarget): void {
  k.trace.call('klp_try_complete_transition', () => klp_complete_transition(k, patch, target));
}
