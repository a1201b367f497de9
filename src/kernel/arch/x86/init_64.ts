// arch/x86/mm/init_64.c (5.4): set_kernel_text_rw()/set_kernel_text_ro(), which 5.4's
// ftrace_arch_code_modify_prepare()/post_process() call. They change only the direct-map
// (identity) alias of kernel text; its executable high mapping stays read-only. The emulator has
// no direct map: it keeps whether that alias is writable, which is what 5.4's ftrace_write()
// needs when it stores into kernel text through text_ip_addr().
import type { Kernel } from '../../kernel_types.ts';

const aliasWritable = new WeakMap<Kernel, boolean>();

export function set_kernel_text_rw(k: Kernel): void {
  aliasWritable.set(k, true);
}

export function set_kernel_text_ro(k: Kernel): void {
  aliasWritable.set(k, false);
}

/** Whether a store through text_ip_addr() into kernel text would succeed now. */
export const kernel_text_alias_writable = (k: Kernel): boolean => aliasWritable.get(k) ?? false;
