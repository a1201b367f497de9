// kernel/livepatch/transition.c (6.1; 5.4 is the same here): the consistency model, task by
// task. klp_init_transition() gives every task the patch_state the patch is leaving,
// klp_start_transition() sets TIF_PATCH_PENDING on those not yet in the target state,
// klp_try_complete_transition() checks each task's stack (klp_check_stack(): is it running or
// sleeping in a function being replaced?) and switches those that are clear; when all are,
// klp_complete_transition() ends it. A task still pending would be retried from a delayed work
// every second and switch itself on its way out of the kernel (klp_update_patch_state()).
//
// The emulator runs no task code, so no stack holds a patched function and every task
// switches on the first try; the tasks shown stand for a real machine's hundreds: each CPU's
// idle task, a few threads, and the one doing the operation.
//
// klp_unpatch_replaced_patches(), klp_discard_nops() and the freeing of a patch are core.c's
// (core.h declares them for this file); they are written here, beside their only caller,
// because core.ts starts transitions and so imports this file. The free is the work item
// klp_free_patch_async() queues: klp_free_patch_finish() puts the module reference
// klp_enable_patch() took, and only then may the patch module be removed.
import type { Kernel } from '../kernel_types.ts';
import { schedule_work } from '../workqueue.ts';
import { klp_unpatch_object } from './patch.ts';
import { type KlpPatch, klpState } from './types.ts';

const FILE = 'kernel/livepatch/transition.c';
export type KlpTarget = 'patching' | 'unpatching';

const state = (target: KlpTarget) => (target === 'patching' ? 'KLP_PATCHED' : 'KLP_UNPATCHED');
const initial = (target: KlpTarget) => (target === 'patching' ? 'KLP_UNPATCHED' : 'KLP_PATCHED');

/** The tasks the transition walks: idle tasks (one per possible CPU), some threads, and `current`. */
function tasks(k: Kernel, current: string): string[] {
  const idle = Array.from({ length: k.machine.possibleCpus }, (_, cpu) => `swapper/${cpu}`);
  return [...idle, 'systemd', 'kthreadd', 'kworker/0:1', current];
}

const funcNames = (patch: KlpPatch) => patch.objs.flatMap((o) => o.funcs.filter((f) => !f.nop).map((f) => f.old_name));

/** klp_free_patch_finish() (core.c), from the work klp_free_patch_async() queued: off the list, module_put(). */
function klp_free_patch_async(k: Kernel, patch: KlpPatch): void {
  schedule_work(k, 'klp_free_patch_work_fn', () => {
    k.trace.step(
      `klp_free_patch_finish(): '${patch.mod.name}' is released and module_put(patch->mod) drops the reference klp_enable_patch() took — the patch module may now be removed`,
      { module: patch.mod.name, file: 'kernel/livepatch/core.c' },
    );
    const st = klpState(k);
    st.patches.splice(st.patches.indexOf(patch), 1);
    patch.mod.refcnt--;
  });
}

/** klp_init_transition(): every task gets the state the patch leaves; the functions are in transition. */
export function klp_init_transition(k: Kernel, patch: KlpPatch, target: KlpTarget, current: string): void {
  k.trace.call('klp_init_transition', () => {
    const all = tasks(k, current);
    k.trace.step(
      `klp_init_transition: target ${state(target)}; every task's patch_state = ${initial(target)} (${all.join(', ')}), then func->transition = true for ${funcNames(patch).join(', ')}`,
      { module: patch.mod.name, file: FILE },
    );
  });
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
    if (target === 'unpatching') klp_free_patch_async(k, patch);
    else if (patch.replace) for (const old of st.patches.filter((p) => p !== patch)) klp_free_patch_async(k, old);
  });
}

export function klp_start_transition(k: Kernel, patch: KlpPatch, target: KlpTarget, current: string): void {
  k.trace.call('klp_start_transition', () => {
    k.trace.step(
      `start the ${target} transition: TIF_PATCH_PENDING set on every task whose patch_state is not ${state(target)} — ${tasks(k, current).join(', ')}`,
      { module: patch.mod.name, file: FILE },
    );
    k.trace.printk('notice', `livepatch: '${patch.mod.name}': starting ${target} transition`);
  });
}

export function klp_try_complete_transition(k: Kernel, patch: KlpPatch, target: KlpTarget, current: string): void {
  k.trace.call('klp_try_complete_transition', () => {
    const where = target === 'patching' ? 'the functions being replaced' : "the patch's new functions";
    k.trace.step(
      `klp_try_complete_transition: each task's stack is checked (klp_check_stack()): none is running or sleeping in ${where} (${funcNames(patch).join(', ')}), so every task is switched to ${state(target)} and its TIF_PATCH_PENDING cleared — ${tasks(k, current).join(', ')}`,
      { module: patch.mod.name, file: FILE },
    );
    klp_complete_transition(k, patch, target);
  });
}
