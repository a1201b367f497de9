// The module notifier chain as load_module() and delete_module() run it (kernel/notifier.c's
// blocking_notifier_call_chain_robust() and blocking_notifier_call_chain() over main.c's
// module_notify_list, 6.1). Its emulated members, by priority: jump_label_module_notify (1),
// static_call_module_notify (0). The tracepoint and trace-event notifiers are on it too; they
// write only their own kmalloc'd data and the module's trace_event structures (run-time
// state), so they are not emulated. ftrace and livepatch are not on the chain: main.c calls
// them directly around it (ftrace_module_enable(), klp_module_coming() before COMING;
// klp_module_going(), ftrace_release_mod() after GOING).
import { jump_label_add_module, jump_label_del_module } from './jump_label.ts';
import type { Kernel } from './kernel_types.ts';
import { type LoadError, loadError } from './load_error.ts';
import type { Module } from './module/types.ts';
import { static_call_add_module, static_call_del_module } from './static_call_inline.ts';

/** MODULE_STATE_COMING, unwound with MODULE_STATE_GOING if a notifier refuses. */
export function blocking_notifier_call_chain_robust(k: Kernel, mod: Module): LoadError | null {
  return k.trace.call('blocking_notifier_call_chain_robust', () => {
    k.trace.call('jump_label_module_notify', () => jump_label_add_module(k, mod));
    const sc = k.trace.call('static_call_module_notify', () => static_call_add_module(k, mod));
    if (!sc) return null;
    // static_call_module_notify() undoes its own work; the robust chain then sends GOING to
    // the notifiers that had succeeded
    k.trace.call('static_call_module_notify', () => static_call_del_module(k, mod));
    k.trace.call('jump_label_module_notify', () => jump_label_del_module(k, mod));
    return loadError(-sc, 'prepare_coming_module', `${mod.name}: static_call_add_module failed`);
  });
}

/** MODULE_STATE_GOING. */
export function blocking_notifier_call_chain(k: Kernel, mod: Module): void {
  k.trace.call('blocking_notifier_call_chain', () => {
    k.trace.call('jump_label_module_notify', () => jump_label_del_module(k, mod));
    k.trace.call('static_call_module_notify', () => static_call_del_module(k, mod));
  });
}
