// What runs around a module's state changes besides the loader itself (kernel/module/main.c
// 6.1): ftrace_module_init() before complete_formation(); for MODULE_STATE_COMING,
// prepare_coming_module() = ftrace_module_enable(), klp_module_coming(), then the notifier
// chain by priority (jump labels at 1, static calls at 0); for MODULE_STATE_GOING the chain,
// klp_module_going() and ftrace_release_mod().
import type { Kernel } from '../kernel.ts';
import { jump_label_add_module, jump_label_del_module } from '../jump_label.ts';
import { loadError, type LoadError } from '../load_error.ts';
import { static_call_add_module, static_call_del_module } from '../static_call_inline.ts';
import { ftrace_module_enable, ftrace_module_init as ftrace_process_module, ftrace_release_mod } from '../trace/ftrace.ts';
import type { LoadInfo, Module } from './types.ts';

export function ftrace_module_init(k: Kernel, mod: Module, info: LoadInfo): void {
  ftrace_process_module(k, mod, info);
}

/**
 * Livepatch's hook in prepare_coming_module(): klp_module_coming() (kernel/livepatch/core.c)
 * applies every enabled patch's .klp.rela.<mod> sections to the coming module. Owned by the
 * livepatch emulation; until it lands this only marks the call point.
 */
export let klp_module_coming: (k: Kernel, mod: Module) => LoadError | null = (k, mod) => {
  k.trace.step('klp_module_coming (livepatch: emulated elsewhere)', { module: mod.name, file: 'kernel/livepatch/core.c', fn: 'klp_module_coming' });
  return null;
};
/** klp_module_going() counterpart of klp_module_coming. */
export let klp_module_going: (k: Kernel, mod: Module) => void = () => {};

/** Let the livepatch emulation plug its klp_module_coming/going in. */
export function set_klp_module_hooks(coming: typeof klp_module_coming, going: typeof klp_module_going): void {
  klp_module_coming = coming;
  klp_module_going = going;
}

/** prepare_coming_module() (6.1). */
export function notify_coming(k: Kernel, mod: Module, info: LoadInfo): LoadError | null {
  k.trace.call('ftrace_module_enable', () => ftrace_module_enable(k, mod));
  const klp = k.trace.call('klp_module_coming', () => klp_module_coming(k, mod));
  if (klp) return klp;
  // blocking_notifier_call_chain_robust(MODULE_STATE_COMING): jump_label_module_nb (priority 1),
  // then static_call_module_nb (0); tracepoint/trace_events notifiers write only their own data
  k.trace.call('jump_label_module_notify', () => jump_label_add_module(k, mod, info));
  const sc = k.trace.call('static_call_module_notify', () => static_call_add_module(k, mod, info));
  if (sc) {
    // the robust chain unwinds what already ran with MODULE_STATE_GOING
    k.trace.call('static_call_module_notify', () => static_call_del_module(k, mod, info));
    k.trace.call('jump_label_module_notify', () => jump_label_del_module(k, mod, info));
    k.trace.call('klp_module_going', () => klp_module_going(k, mod));
    return loadError(-sc, 'prepare_coming_module', `${mod.name}: static_call_add_module failed`);
  }
  return null;
}

/** MODULE_STATE_GOING: the notifier chain, klp_module_going(), ftrace_release_mod(). */
export function notify_going(k: Kernel, mod: Module, info: LoadInfo): void {
  k.trace.call('blocking_notifier_call_chain', () => {
    k.trace.call('jump_label_module_notify', () => jump_label_del_module(k, mod, info));
    k.trace.call('static_call_module_notify', () => static_call_del_module(k, mod, info));
  });
  k.trace.call('klp_module_going', () => klp_module_going(k, mod));
  k.trace.call('ftrace_release_mod', () => ftrace_release_mod(k, mod));
}
