// kernel/livepatch/patch.c (6.1): redirect a function by putting a klp_ops' ftrace handler on
// its entry. The first patch of a function registers the ftrace ops; later ones only stack.
import { EINVAL } from '../errno.ts';
import type { Kernel } from '../kernel_types.ts';
import { type LoadError, loadError } from '../load_error.ts';
import { ftrace_location, register_ftrace_function, unregister_ftrace_function } from '../trace/ftrace.ts';
import { type KlpFunc, type KlpObject, klpState, objectName } from './types.ts';

function klp_patch_func(k: Kernel, obj: KlpObject, func: KlpFunc): LoadError | null {
  const st = klpState(k);
  const ops = st.ops.get(func.old_func);
  if (!ops) {
    const site = ftrace_location(k, func.old_func);
    if (site === undefined) {
      k.trace.printk('err', `livepatch: failed to find location for function '${func.old_name}'`);
      return loadError(EINVAL, 'klp_patch_func', `livepatch: failed to find location for function '${func.old_name}'`);
    }
    const trampoline = register_ftrace_function(k, site, `${objectName(obj)}:${func.old_name}`);
    if (trampoline === undefined) return loadError(12, 'klp_patch_func', '');
    st.ops.set(func.old_func, { old_func: func.old_func, site, func_stack: [func], trampoline });
  } else {
    ops.func_stack.unshift(func); // list_add_rcu(): the newest patch's function wins
  }
  func.patched = true;
  return null;
}

function klp_unpatch_func(k: Kernel, obj: KlpObject, func: KlpFunc): void {
  const st = klpState(k);
  const ops = st.ops.get(func.old_func);
  if (!ops) return;
  if (ops.func_stack.length === 1) {
    // klp_unpatch_func(): the same ftrace_location() as when it was patched
    unregister_ftrace_function(k, ops.site, ops.trampoline, `${objectName(obj)}:${func.old_name}`);
    st.ops.delete(func.old_func);
  } else {
    ops.func_stack.splice(ops.func_stack.indexOf(func), 1);
  }
  func.patched = false;
}

export function klp_patch_object(k: Kernel, obj: KlpObject): LoadError | null {
  return k.trace.call('klp_patch_object', () => {
    if (obj.patched) return null;
    for (const func of obj.funcs) {
      const err = k.trace.call('klp_patch_func', () => klp_patch_func(k, obj, func));
      if (err) {
        klp_unpatch_object(k, obj);
        return err;
      }
    }
    obj.patched = true;
    return null;
  });
}

export function klp_unpatch_object(k: Kernel, obj: KlpObject, onlyNops = false): void {
  k.trace.call('klp_unpatch_object', () => {
    for (const func of obj.funcs) if (func.patched && (!onlyNops || func.nop)) klp_unpatch_func(k, obj, func);
    if (!onlyNops || obj.dynamic) obj.patched = false;
  });
}
