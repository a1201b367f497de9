// ftrace_make_nop() of arch/x86/kernel/ftrace.c (6.1): a module's `call __fentry__` becomes the
// 5-byte NOP, after checking the call is really there (ftrace_verify_code()). At module load
// this is ftrace_modify_code_direct() → text_poke_early(): the module is not formed yet, its
// text not executable, so a plain copy is safe.
import type { Kernel } from '../../kernel.ts';
import { symbolic } from '../../module/within.ts';
import { text_gen_insn, x86_nops } from './alternative.ts';
import { text_poke_early } from './text_poke.ts';

export const MCOUNT_INSN_SIZE = 5;

/** 0, or -EINVAL (-22) with what was found, as ftrace_verify_code() reports it. */
export function ftrace_make_nop(
  k: Kernel,
  ip: bigint,
  mcount_addr: bigint,
  init: boolean,
): { err: 0 } | { err: number; actual: Uint8Array; expected: Uint8Array } {
  const old = text_gen_insn(0xe8, ip, mcount_addr);
  const cur = k.mem.read(ip, MCOUNT_INSN_SIZE);
  if (cur.some((b, i) => b !== old[i])) return { err: -22, actual: cur, expected: old };
  text_poke_early(k, ip, x86_nops[5]!, { what: `ftrace NOP at ${symbolic(k, ip)}${init ? ' (init text)' : ''}` });
  return { err: 0 };
}
