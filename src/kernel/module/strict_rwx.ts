// kernel/module/strict_rwx.c (6.1; module_disable_ro() from kernel/module.c 5.4, the 6.4+
// per-type functions from 6.12):
//          [text] [read-only-data] [ro-after-init] [writable data]
// text_size -----^                ^               ^               ^
// ro_size ------------------------|               |               |
// ro_after_init_size -----------------------------|               |
// size -----------------------------------------------------------|
import { SHF_EXECINSTR, SHF_WRITE } from '../../elf/constants.ts';
import { ENOEXEC } from '../errno.ts';
import type { Kernel } from '../kernel_types.ts';
import { type LoadError, loadError } from '../load_error.ts';
import { PAGE_ALIGN, PAGE_SIZE } from '../mm/page.ts';
import { set_memory_nx, set_memory_ro, set_memory_rox, set_memory_rw, set_memory_x } from '../mm/set_memory.ts';
import {
  type LoadInfo,
  MOD_MEM_TYPES,
  type ModMemType,
  type Module,
  type ModuleLayout,
  mod_mem_type_is_text,
} from './types.ts';

type SetMemory = typeof set_memory_ro;

const pages = (bytes: number) => Math.floor(bytes / PAGE_SIZE);

/** `skip`: page ranges inside the text to leave alone (a reconstruction's KernelHooks.frobTextSkip). */
function frob_text(k: Kernel, l: ModuleLayout, set: SetMemory, skip: Array<{ addr: bigint; pages: number }> = []) {
  if (!l.base) return;
  const end = l.base + BigInt(PAGE_ALIGN(l.text_size));
  let from = l.base;
  for (const s of [...skip]
    .filter((s) => s.addr >= l.base && s.addr < end)
    .sort((a, b) => (a.addr < b.addr ? -1 : 1))) {
    if (s.addr > from) set(k.mem, k.trace, from, pages(Number(s.addr - from)));
    from = s.addr + BigInt(s.pages * PAGE_SIZE);
  }
  if (end > from) set(k.mem, k.trace, from, pages(Number(end - from)));
}
function frob_rodata(k: Kernel, l: ModuleLayout, set: SetMemory) {
  if (l.base) set(k.mem, k.trace, l.base + BigInt(l.text_size), pages(l.ro_size - l.text_size));
}
function frob_ro_after_init(k: Kernel, l: ModuleLayout, set: SetMemory) {
  if (l.base) set(k.mem, k.trace, l.base + BigInt(l.ro_size), pages(l.ro_after_init_size - l.ro_size));
}
function frob_writable_data(k: Kernel, l: ModuleLayout, set: SetMemory) {
  if (l.base) set(k.mem, k.trace, l.base + BigInt(l.ro_after_init_size), pages(l.size - l.ro_after_init_size));
}

/** module_enforce_rwx_sections() (5.7+): no section may be both writable and executable. */
export function module_enforce_rwx_sections(k: Kernel, info: LoadInfo): LoadError | null {
  for (const [i, s] of info.sechdrs.entries()) {
    if ((s.flags & (SHF_WRITE | SHF_EXECINSTR)) === (SHF_WRITE | SHF_EXECINSTR)) {
      const msg = `${info.name}: section ${s.name} (index ${i}) has invalid WRITE|EXEC flags`;
      k.trace.printk('err', msg);
      return loadError(ENOEXEC, 'module_enforce_rwx_sections', msg);
    }
  }
  return null;
}

export function module_enable_ro(k: Kernel, mod: Module, after_init: boolean): void {
  k.trace.call('module_enable_ro', () => {
    k.trace.step(after_init ? 'text, rodata and ro_after_init become read-only' : 'text and rodata become read-only', {
      module: mod.name,
      file: 'kernel/module/strict_rwx.c',
    });
    frob_text(k, mod.core_layout, set_memory_ro, k.hooks.frobTextSkip?.(k, mod, 'ro'));
    frob_rodata(k, mod.core_layout, set_memory_ro);
    frob_text(k, mod.init_layout, set_memory_ro);
    frob_rodata(k, mod.init_layout, set_memory_ro);
    if (after_init) frob_ro_after_init(k, mod.core_layout, set_memory_ro);
  });
}

export function module_enable_nx(k: Kernel, mod: Module): void {
  k.trace.call('module_enable_nx', () => {
    k.trace.step('data stays non-executable', { module: mod.name, file: 'kernel/module/strict_rwx.c' });
    frob_rodata(k, mod.core_layout, set_memory_nx);
    frob_ro_after_init(k, mod.core_layout, set_memory_nx);
    frob_writable_data(k, mod.core_layout, set_memory_nx);
    frob_rodata(k, mod.init_layout, set_memory_nx);
    frob_writable_data(k, mod.init_layout, set_memory_nx);
  });
}

export function module_enable_x(k: Kernel, mod: Module): void {
  k.trace.call('module_enable_x', () => {
    k.trace.step('text becomes executable', { module: mod.name, file: 'kernel/module/strict_rwx.c' });
    frob_text(k, mod.core_layout, set_memory_x, k.hooks.frobTextSkip?.(k, mod, 'x'));
    frob_text(k, mod.init_layout, set_memory_x);
  });
}

/** 5.4 kernel/module.c: the whole core text and rodata writable again — executable stays, so RWX. */
export function module_disable_ro(k: Kernel, mod: Module): void {
  k.trace.call('module_disable_ro', () => {
    k.trace.step('text and rodata writable again (text stays executable)', {
      module: mod.name,
      file: 'kernel/module.c',
    });
    frob_text(k, mod.core_layout, set_memory_rw);
    frob_rodata(k, mod.core_layout, set_memory_rw);
    frob_ro_after_init(k, mod.core_layout, set_memory_rw);
    frob_text(k, mod.init_layout, set_memory_rw);
    frob_rodata(k, mod.init_layout, set_memory_rw);
  });
}

/**
 * 5.4 kernel/module.c, for ftrace_arch_code_modify_prepare(): the text of every module but an
 * UNFORMED one, newest first (the `modules` list), writable again — still executable, so RWX.
 */
export function set_all_modules_text_rw(k: Kernel): void {
  k.trace.call('set_all_modules_text_rw', () => {
    for (const mod of [...k.modules].reverse()) {
      if (mod.state === 'UNFORMED') continue;
      frob_text(k, mod.core_layout, set_memory_rw);
      frob_text(k, mod.init_layout, set_memory_rw);
    }
  });
}

/**
 * 5.4 kernel/module.c, for ftrace_arch_code_modify_post_process(): module text read-only again,
 * except a GOING module's ("ro protection has already been disabled"), which stays RWX until it
 * is freed. A reconstruction's frobTextSkip ranges stay as module_enable_ro() left them.
 */
export function set_all_modules_text_ro(k: Kernel): void {
  k.trace.call('set_all_modules_text_ro', () => {
    for (const mod of [...k.modules].reverse()) {
      if (mod.state === 'UNFORMED' || mod.state === 'GOING') continue;
      frob_text(k, mod.core_layout, set_memory_ro, k.hooks.frobTextSkip?.(k, mod, 'ro'));
      frob_text(k, mod.init_layout, set_memory_ro);
    }
  });
}

// 6.4+ (6.12's kernel/module/strict_rwx.c): one set_memory_*() call per mod_mem_type allocation.
function module_set_memory(k: Kernel, mod: Module, type: ModMemType, set: SetMemory): void {
  const mem = mod.mem![type];
  if (mem.base) set(k.mem, k.trace, mem.base, mem.size / PAGE_SIZE);
}

export function module_enable_rodata_ro(k: Kernel, mod: Module, after_init: boolean): void {
  k.trace.call('module_enable_rodata_ro', () => {
    k.trace.step(
      after_init
        ? 'MOD_RODATA, MOD_INIT_RODATA and MOD_RO_AFTER_INIT become read-only'
        : 'MOD_RODATA and MOD_INIT_RODATA become read-only',
      {
        module: mod.name,
        file: 'kernel/module/strict_rwx.c',
      },
    );
    module_set_memory(k, mod, 'MOD_RODATA', set_memory_ro);
    module_set_memory(k, mod, 'MOD_INIT_RODATA', set_memory_ro);
    if (after_init) module_set_memory(k, mod, 'MOD_RO_AFTER_INIT', set_memory_ro);
  });
}

export function module_enable_data_nx(k: Kernel, mod: Module): void {
  k.trace.call('module_enable_data_nx', () => {
    k.trace.step('every data allocation stays non-executable', {
      module: mod.name,
      file: 'kernel/module/strict_rwx.c',
    });
    for (const type of MOD_MEM_TYPES) if (!mod_mem_type_is_text(type)) module_set_memory(k, mod, type, set_memory_nx);
  });
}

export function module_enable_text_rox(k: Kernel, mod: Module): void {
  k.trace.call('module_enable_text_rox', () => {
    k.trace.step('MOD_TEXT and MOD_INIT_TEXT become read-only and executable in one call', {
      module: mod.name,
      file: 'kernel/module/strict_rwx.c',
    });
    for (const type of MOD_MEM_TYPES) if (mod_mem_type_is_text(type)) module_set_memory(k, mod, type, set_memory_rox);
  });
}
