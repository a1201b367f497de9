// What runs around a module's state changes besides the loader itself (kernel/module/main.c
// 6.1), in the kernel's order:
//   before complete_formation():  ftrace_module_init()
//   prepare_coming_module():      ftrace_module_enable(), klp_module_coming() (livepatch/),
//                                 then notify_coming(): the COMING chain by priority — jump
//                                 labels (1), static calls (0)
//   GOING (unload, failed init):  notify_going(): the GOING chain, then klp_module_going(),
//                                 then ftrace_release_mod()
// The tracepoint and trace-event notifiers also run in these chains; they write only their own
// kmalloc'd data and the module's trace_event structures (run-time state), so they are not emulated.

import { jump_label_add_module, jump_label_del_module } from '../jump_label.ts';
import type { Kernel } from '../kernel.ts';
import { type LoadError, loadError } from '../load_error.ts';
import { static_call_add_module, static_call_del_module } from '../static_call_inline.ts';
import {
  ftrace_module_enable as ftrace_module_enable_,
  ftrace_module_init as ftrace_module_init_,
  ftrace_release_mod as ftrace_release_mod_,
} from '../trace/ftrace.ts';
import type { LoadInfo, Module } from './types.ts';

export function ftrace_module_init(k: Kernel, mod: Module, info: LoadInfo): void {
  ftrace_module_init_(k, mod, info);
}

/** First in prepare_coming_module(), before klp_module_coming(). */
export function ftrace_module_enable(k: Kernel, mod: Module): void {
  k.trace.call('ftrace_module_enable', () => ftrace_module_enable_(k, mod));
}

/** Last of the GOING work, after klp_module_going(). */
export function ftrace_release_mod(k: Kernel, mod: Module): void {
  k.trace.call('ftrace_release_mod', () => ftrace_release_mod_(k, mod));
}

/** blocking_notifier_call_chain_robust(MODULE_STATE_COMING, MODULE_STATE_GOING) (6.1). */
export function notify_coming(k: Kernel, mod: Module, info: LoadInfo): LoadError | null {
  return k.trace.call('blocking_notifier_call_chain_robust', () => {
    k.trace.call('jump_label_module_notify', () => jump_label_add_module(k, mod, info));
    const sc = k.trace.call('static_call_module_notify', () => static_call_add_module(k, mod, info));
    if (!sc) return null;
    // static_call_module_notify() undoes its own work; the robust chain then sends GOING to
    // the notifiers that had succeeded
    k.trace.call('static_call_module_notify', () => static_call_del_module(k, mod, info));
    k.trace.call('jump_label_module_notify', () => jump_label_del_module(k, mod, info));
    return loadError(-sc, 'prepare_coming_module', `${mod.name}: static_call_add_module failed`);
  });
}

/** blocking_notifier_call_chain(MODULE_STATE_GOING) (6.1). */
export function notify_going(k: Kernel, mod: Module, info: LoadInfo): void {
  k.trace.call('blocking_notifier_call_chain', () => {
    k.trace.call('jump_label_module_notify', () => jump_label_del_module(k, mod, info));
    k.trace.call('static_call_module_notify', () => static_call_del_module(k, mod, info));
  });
}
