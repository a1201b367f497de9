// What runs around a module's state changes besides the loader itself: ftrace_module_init()
// (kernel/trace/ftrace.c) before complete_formation(), and for MODULE_STATE_COMING /
// MODULE_STATE_GOING the notifier chain (jump labels, static calls) and livepatch.
import type { Kernel } from '../kernel.ts';
import type { LoadError } from '../load_error.ts';
import type { LoadInfo, Module } from './types.ts';

export function ftrace_module_init(k: Kernel, mod: Module, _info: LoadInfo): void {
  k.trace.step('ftrace: the fentry call sites become NOPs (not emulated yet)', { module: mod.name, file: 'kernel/trace/ftrace.c' });
}

export function notify_coming(k: Kernel, mod: Module, _info: LoadInfo): LoadError | null {
  k.trace.step('COMING notifiers: ftrace, livepatch, jump labels, static calls (not emulated yet)', {
    module: mod.name,
    file: 'kernel/module/main.c',
    fn: 'prepare_coming_module',
  });
  return null;
}

export function notify_going(k: Kernel, mod: Module, _info: LoadInfo): void {
  k.trace.step('GOING notifiers (not emulated yet)', { module: mod.name, file: 'kernel/module/main.c', fn: 'blocking_notifier_call_chain' });
}
