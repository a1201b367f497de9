// module_finalize() of arch/x86/kernel/module.c (Debian 6.1.192): rewrite the freshly
// relocated code for this machine — paravirt, retpolines, return thunks, alternatives, ENDBR
// sealing, lock prefixes — and sort the ORC unwinder's tables. The order is
// alternative_instructions()'s: paravirt first (alternatives may overwrite paravirt calls),
// retpolines and returns before alternatives (which may rewrite those sites again).
import type { Kernel } from '../../kernel_types.ts';
import type { LoadError } from '../../load_error.ts';
import type { LoadInfo, Module, Shdr } from '../../module/types.ts';
import {
  alternatives_smp_module_add,
  apply_alternatives,
  apply_ibt_endbr,
  apply_paravirt,
  apply_retpolines,
  apply_returns,
} from './alternative.ts';
import { unwind_module_init } from './unwind_orc.ts';

/** module_finalize()'s lookup: any section of that name, the last one winning. */
function finalize_sec(info: LoadInfo, name: string): Shdr | undefined {
  let found: Shdr | undefined;
  for (const s of info.sechdrs) if (s.name === name) found = s;
  return found;
}

export function module_finalize(k: Kernel, mod: Module, info: LoadInfo): LoadError | null {
  const text = finalize_sec(info, '.text');
  const alt = finalize_sec(info, '.altinstructions');
  const locks = finalize_sec(info, '.smp_locks');
  const para = finalize_sec(info, '.parainstructions');
  const orc = finalize_sec(info, '.orc_unwind');
  const orc_ip = finalize_sec(info, '.orc_unwind_ip');
  const retpolines = finalize_sec(info, '.retpoline_sites');
  const returns = finalize_sec(info, '.return_sites');
  const ibt_endbr = finalize_sec(info, '.ibt_endbr_seal');

  if (para) k.trace.call('apply_paravirt', () => apply_paravirt(k, mod, para));
  // its_init_mod()/its_fini_mod(): only with X86_FEATURE_INDIRECT_THUNK_ITS, which then gives
  // retpoline sites thunks in pages of their own (not emulated: no ITS machine profile yet)
  if (retpolines) k.trace.call('apply_retpolines', () => apply_retpolines(k, mod, retpolines));
  if (returns) k.trace.call('apply_returns', () => apply_returns(k, mod, returns));
  if (alt) k.trace.call('apply_alternatives', () => apply_alternatives(k, mod, alt));
  if (ibt_endbr) k.trace.call('apply_ibt_endbr', () => apply_ibt_endbr(k, mod, ibt_endbr));
  if (locks && text)
    k.trace.call('alternatives_smp_module_add', () => alternatives_smp_module_add(k, mod, locks, text));
  if (orc && orc_ip) k.trace.call('unwind_module_init', () => unwind_module_init(k, mod, orc_ip, orc));
  if (!para && !retpolines && !returns && !alt && !ibt_endbr && !(locks && text) && !(orc && orc_ip))
    k.trace.step('module_finalize: nothing to patch (no .altinstructions, .return_sites, .smp_locks, ORC …)', {
      module: mod.name,
      file: 'arch/x86/kernel/module.c',
    });
  return null;
}
