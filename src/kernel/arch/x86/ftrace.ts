// arch/x86/kernel/ftrace.c (6.1): the x86 half of dynamic ftrace.
//  - ftrace_make_nop(): at module load a `call __fentry__` becomes the 5-byte NOP, after
//    checking the call is really there (ftrace_verify_code()). This is
//    ftrace_modify_code_direct() → text_poke_early(): the module is not formed yet, its text not
//    executable, so a plain copy is safe.
//  - create_trampoline() / arch_ftrace_trampoline_free(): an ftrace_ops of its own (livepatch's)
//    gets a trampoline, module_alloc()ed, then read-only and executable.
import type { Kernel } from '../../kernel_types.ts';
import { PAGE_SIZE } from '../../mm/page.ts';
import { set_memory_ro, set_memory_x } from '../../mm/set_memory.ts';
import { symbolic } from '../../module/kallsyms.ts';
import { text_gen_insn, x86_nops } from './alternative.ts';
import { text_poke_early } from './text_poke.ts';

const FILE = 'arch/x86/kernel/ftrace.c';
const MCOUNT_INSN_SIZE = 5;

/** ftrace_nop_replace(): the 5-byte NOP a disabled call site holds. */
export const ftrace_nop_replace = (): Uint8Array => x86_nops[MCOUNT_INSN_SIZE]!;

/** ftrace_call_replace(): `call addr` at ip. */
export const ftrace_call_replace = (ip: bigint, addr: bigint): Uint8Array => text_gen_insn(0xe8, ip, addr);

/** 0, or -EINVAL (-22) with what was found, as ftrace_verify_code() reports it. */
export function ftrace_make_nop(
  k: Kernel,
  ip: bigint,
  mcount_addr: bigint,
  init: boolean,
): { err: 0 } | { err: number; actual: Uint8Array; expected: Uint8Array } {
  const old = ftrace_call_replace(ip, mcount_addr);
  const cur = k.mem.read(ip, MCOUNT_INSN_SIZE);
  if (cur.some((b, i) => b !== old[i])) return { err: -22, actual: cur, expected: old };
  text_poke_early(k, ip, ftrace_nop_replace(), {
    what: `ftrace NOP at ${symbolic(k, ip)}${init ? ' (init text)' : ''}`,
  });
  return { err: 0 };
}

/**
 * create_trampoline(), then read-only and executable: its code is copied from vmlinux's
 * ftrace_regs_caller, whose bytes the emulator does not have. Its address, or undefined when
 * module_alloc() fails.
 */
export function create_trampoline(k: Kernel, label: string): bigint | undefined {
  k.trace.step(`ftrace: a trampoline for ${label}`, { file: FILE, fn: 'create_trampoline' });
  const tramp = k.trace.call('create_trampoline', () =>
    k.moduleArea.module_alloc('ftrace', `trampoline ${label}`, PAGE_SIZE),
  );
  if (tramp === undefined) return undefined;
  set_memory_ro(k.mem, k.trace, tramp, 1);
  set_memory_x(k.mem, k.trace, tramp, 1);
  return tramp;
}

export function arch_ftrace_trampoline_free(k: Kernel, trampoline: bigint, label: string): void {
  k.trace.step(`ftrace: free ${label}'s trampoline`, { file: FILE, fn: 'arch_ftrace_trampoline_free' });
  k.moduleArea.module_memfree(trampoline);
}
