// module_finalize() of arch/x86/kernel/module.c (6.1): rewrite the freshly relocated code for
// this machine — paravirt, retpolines, return thunks, alternatives, lock prefixes — and set up
// the ORC unwinder's tables.
import type { Kernel } from '../../kernel.ts';
import type { LoadError } from '../../load_error.ts';
import type { LoadInfo, Module } from '../../module/types.ts';

export function module_finalize(k: Kernel, mod: Module, _info: LoadInfo): LoadError | null {
  k.trace.step('module_finalize: alternatives, retpolines, return thunks (not emulated yet)', {
    module: mod.name,
    file: 'arch/x86/kernel/module.c',
  });
  return null;
}
