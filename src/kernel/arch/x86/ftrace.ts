// arch/x86/kernel/ftrace.c (6.1; 5.4 where KernelProfile.ftraceCodeModify says so): the x86 half
// of dynamic ftrace.
//  - ftrace_make_nop(): at module load a `call __fentry__` becomes the 5-byte NOP, after
//    checking the call is really there (ftrace_verify_code()). 6.1: ftrace_modify_code_direct()
//    → text_poke_early(): the module is not formed yet, its text not executable, so a plain copy
//    is safe. 5.4: ftrace_modify_code_direct() → probe_kernel_write() and sync_core().
//  - create_trampoline() / arch_ftrace_trampoline_free(): an ftrace_ops of its own (livepatch's)
//    gets a trampoline, module_alloc()ed, then read-only and executable — 5.4 makes it executable
//    while it is still writable and read-only only after arch_ftrace_update_trampoline() wrote
//    its call.
//  - 5.4's code updates: ftrace_arch_code_modify_prepare()/post_process() around them
//    (set_kernel_text_rw() and kernel/module.c's set_all_modules_text_rw(): every module's text
//    RWX meanwhile), ftrace_replace_code()'s three passes of ftrace_write() (int3 over the first
//    byte, the other bytes, the first byte), each followed by run_sync().
import type { Kernel } from '../../kernel_types.ts';
import { PAGE_SIZE } from '../../mm/page.ts';
import { set_memory_ro, set_memory_rox, set_memory_x } from '../../mm/set_memory.ts';
import { MODULES_VADDR } from '../../mm/vmalloc.ts';
import { siteName } from '../../module/kallsyms.ts';
import { set_all_modules_text_ro, set_all_modules_text_rw } from '../../module/strict_rwx.ts';
import { text_gen_insn, x86_nops } from './alternative.ts';
import { kernel_text_alias_writable, set_kernel_text_ro, set_kernel_text_rw } from './init_64.ts';
import { type TextPokeLoc, text_poke_early } from './text_poke.ts';

const FILE = 'arch/x86/kernel/ftrace.c';
const MCOUNT_INSN_SIZE = 5;
const EPERM = -1;

/** ftrace_nop_replace(): the 5-byte NOP a disabled call site holds. */
export const ftrace_nop_replace = (): Uint8Array => x86_nops[MCOUNT_INSN_SIZE]!;

/** ftrace_call_replace(): `call addr` at ip. */
export const ftrace_call_replace = (ip: bigint, addr: bigint): Uint8Array => text_gen_insn(0xe8, ip, addr);

/**
 * 5.4 ftrace_write(): probe_kernel_write(text_ip_addr(ip), …). Kernel text is written through
 * its direct-map alias, writable only between set_kernel_text_rw() and set_kernel_text_ro();
 * module text through its own mapping. -EPERM when the store would fault.
 */
function ftrace_write(k: Kernel, ip: bigint, bytes: Uint8Array, what: string): number {
  const kernelText = ip < MODULES_VADDR;
  const writable = kernelText ? kernel_text_alias_writable(k) : (k.mem.perm(ip)?.write ?? false);
  if (!writable) return EPERM;
  k.mem.write(ip, bytes, 'probe_kernel_write', {
    what: kernelText ? `${what} (through the kernel text's direct-map alias)` : what,
  });
  return 0;
}

/** 5.4 run_sync(): every CPU serialises (on_each_cpu(do_sync_core)) — skipped with one CPU online. */
function run_sync(k: Kernel, why: string): void {
  if (k.machine.presentCpus > 1) k.trace.emit({ kind: 'sync', fn: 'run_sync', why });
}

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
  const what = `ftrace NOP at ${siteName(k, ip)}${init ? ' (init text)' : ''}`;
  if (k.profile.ftraceCodeModify === 'set_all_modules_text_rw') {
    // ftrace_modify_code_direct(): probe_kernel_write(), then sync_core() on this CPU only
    const err = ftrace_write(k, ip, ftrace_nop_replace(), what);
    if (err) return { err, actual: cur, expected: old };
  } else text_poke_early(k, ip, ftrace_nop_replace(), { what });
  return { err: 0 };
}

/**
 * create_trampoline(), then read-only and executable: its code is copied from vmlinux's
 * ftrace_regs_caller, whose bytes the emulator does not have. The page comes from module_alloc()
 * (6.12: execmem_alloc(EXECMEM_FTRACE), the same range) and ends RO+X through set_memory_ro()
 * and set_memory_x(), or one set_memory_rox() (KernelProfile.ftraceTrampoline); it is
 * never writable and executable at once. Its address, or undefined when the allocation fails.
 */
export function create_trampoline(k: Kernel, label: string): bigint | undefined {
  if (k.profile.ftraceTrampoline === 'x-while-writable') return arch_ftrace_update_trampoline_54(k, label);
  k.trace.step(`ftrace: a trampoline for ${label}`, { file: FILE, fn: 'create_trampoline' });
  const tramp = k.trace.call('create_trampoline', () =>
    k.moduleArea.module_alloc('ftrace', `trampoline ${label}`, PAGE_SIZE, undefined, k.profile.execAlloc),
  );
  if (tramp === undefined) return undefined;
  if (k.profile.ftraceTrampoline === 'rox') set_memory_rox(k.mem, k.trace, tramp, 1);
  else {
    set_memory_ro(k.mem, k.trace, tramp, 1);
    set_memory_x(k.mem, k.trace, tramp, 1);
  }
  return tramp;
}

/**
 * 5.4 arch_ftrace_update_trampoline() for a new ops: create_trampoline() ends with
 * set_memory_x() on the page it just filled, still writable; update_ftrace_func() then writes
 * the trampoline's call to the ops' function with the int3 dance; only then set_memory_ro().
 */
function arch_ftrace_update_trampoline_54(k: Kernel, label: string): bigint | undefined {
  return k.trace.call('arch_ftrace_update_trampoline', () => {
    k.trace.step(
      `ftrace: a trampoline for ${label}, module_alloc()ed, filled, then set_memory_x() while still writable`,
      { file: FILE, fn: 'create_trampoline' },
    );
    const tramp = k.trace.call('create_trampoline', () => {
      const t = k.moduleArea.module_alloc('ftrace', `trampoline ${label}`, PAGE_SIZE);
      if (t !== undefined) set_memory_x(k.mem, k.trace, t, 1);
      return t;
    });
    if (tramp === undefined) return undefined;
    k.trace.step(
      `update_ftrace_func: the trampoline's call to the ops function, written with the int3 dance through probe_kernel_write() into the writable, executable page (its bytes are vmlinux's ftrace_regs_caller, not emulated)`,
      { file: FILE, fn: 'update_ftrace_func' },
    );
    k.trace.step(`ftrace: ${label}'s trampoline becomes read-only (set_memory_ro), still executable`, {
      file: FILE,
      fn: 'arch_ftrace_update_trampoline',
    });
    set_memory_ro(k.mem, k.trace, tramp, 1);
    return tramp;
  });
}

export function arch_ftrace_trampoline_free(k: Kernel, trampoline: bigint, label: string): void {
  k.trace.step(`ftrace: free ${label}'s trampoline`, { file: FILE, fn: 'arch_ftrace_trampoline_free' });
  k.moduleArea.module_memfree(trampoline);
}

/**
 * 5.4 ftrace_arch_code_modify_prepare(): text_mutex, then set_kernel_text_rw() and
 * set_all_modules_text_rw() — the text of every module stays executable and becomes writable.
 */
export function ftrace_arch_code_modify_prepare(k: Kernel, why: string, module?: string): void {
  k.trace.call('ftrace_arch_code_modify_prepare', () => {
    k.trace.step(
      `${why}: ftrace_arch_code_modify_prepare() takes text_mutex, makes the kernel text's alias writable (set_kernel_text_rw) and every module's text writable, still executable (set_all_modules_text_rw)`,
      { file: FILE, fn: 'ftrace_arch_code_modify_prepare', ...(module ? { module } : {}) },
    );
    set_kernel_text_rw(k);
    set_all_modules_text_rw(k);
  });
}

/** 5.4 ftrace_arch_code_modify_post_process(): module text and the kernel text alias read-only again. */
export function ftrace_arch_code_modify_post_process(k: Kernel, why: string, module?: string): void {
  k.trace.call('ftrace_arch_code_modify_post_process', () => {
    k.trace.step(
      `${why}: ftrace_arch_code_modify_post_process() makes module text read-only again (set_all_modules_text_ro skips GOING modules) and the kernel text alias too, then drops text_mutex`,
      { file: FILE, fn: 'ftrace_arch_code_modify_post_process', ...(module ? { module } : {}) },
    );
    set_all_modules_text_ro(k);
    set_kernel_text_ro(k);
  });
}

/**
 * 5.4 ftrace_replace_code(): three passes over the records that change, each a ftrace_write()
 * (probe_kernel_write) followed by run_sync(): add_breakpoints() puts an int3 on the first byte,
 * add_update() writes the other bytes, finish_update() the first byte. 0, or -EPERM.
 */
export function ftrace_replace_code(k: Kernel, locs: TextPokeLoc[], why: string): number {
  return k.trace.call('ftrace_replace_code', () => {
    const INT3 = Uint8Array.of(0xcc);
    for (const t of locs) if (ftrace_write(k, t.addr, INT3, `${t.what}: int3 (add_breakpoints)`)) return EPERM;
    run_sync(k, `${why}: breakpoints in place`);
    for (const t of locs)
      if (ftrace_write(k, t.addr + 1n, t.bytes.subarray(1), `${t.what}: tail (add_update)`)) return EPERM;
    run_sync(k, `${why}: tails written`);
    for (const t of locs)
      if (ftrace_write(k, t.addr, t.bytes.subarray(0, 1), `${t.what}: first byte (finish_update)`)) return EPERM;
    run_sync(k, `${why}: first bytes written`);
    return 0;
  });
}

/** 5.4 ftrace_make_call() from ftrace_module_enable(): a direct probe_kernel_write(), no int3 ("only called when module is loaded"). */
export function ftrace_make_call(k: Kernel, loc: TextPokeLoc): number {
  return ftrace_write(k, loc.addr, loc.bytes, loc.what);
}
