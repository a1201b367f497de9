// load_module() and its helpers from kernel/module/main.c (Linux 6.1.192; 6.12's per-type
// allocations for 6.4+ profiles), in the kernel's order: the signature and ELF checks, section
// layout, allocation and copy, symbol resolution, relocation, finalisation, the RO/NX/X flips
// of complete_formation(), the COMING notifiers, init and the freeing of init memory; and
// delete_module(). Every step lands in the kernel's trace. What main.c delegates to its
// satellite files (kallsyms.c, strict_rwx.c, livepatch.c, signing.c…) is in theirs here too.
import {
  SHF_ALLOC,
  SHF_RELA_LIVEPATCH,
  SHF_RO_AFTER_INIT,
  SHT_NOBITS,
  SHT_REL,
  SHT_RELA,
} from '../../elf/constants.ts';
import { getModinfo } from '../../elf/modinfo.ts';
import type { ElfObject, ModuleSignature } from '../../elf/types.ts';
import { apply_relocate_add, module_finalize } from '../arch/x86/module.ts';

import { EAGAIN, EBUSY, EEXIST, ENOENT, ENOEXEC, ENOMEM } from '../errno.ts';
import { SIZEOF_JUMP_ENTRY } from '../jump_label.ts';
import type { Kernel } from '../kernel_types.ts';
import { SIZEOF_EXCEPTION_TABLE_ENTRY, sort_extable } from '../lib/extable.ts';
import { klp_apply_section_relocs, klp_enable_patch, klp_module_coming, klp_module_going } from '../livepatch/core.ts';
import { type LoadError, loadError } from '../load_error.ts';
import { KernelFault } from '../mm/address_space.ts';
import { PAGE_ALIGN, PAGE_SIZE } from '../mm/page.ts';
import { blocking_notifier_call_chain, blocking_notifier_call_chain_robust } from '../notifier.ts';
import { SIZEOF_STATIC_CALL_SITE } from '../static_call_inline.ts';
import { ftrace_module_enable, ftrace_module_init, ftrace_release_mod } from '../trace/ftrace.ts';
import { run_pending_work, schedule_work } from '../workqueue.ts';
import { elf_header_check, elf_validity_check } from './elf_check.ts';
import { add_kallsyms, layout_symtab } from './kallsyms.ts';
import { layout_sections, layout_sections_mem } from './layout.ts';
import { copy_module_elf } from './livepatch.ts';
import { module_sig_check } from './signing.ts';
import {
  module_enable_data_nx,
  module_enable_nx,
  module_enable_ro,
  module_enable_rodata_ro,
  module_enable_text_rox,
  module_enable_x,
  module_enforce_rwx_sections,
} from './strict_rwx.ts';
import { simplify_symbols } from './symbols.ts';
import {
  emptyLayout,
  INIT_OFFSET_MASK,
  type LoadInfo,
  MOD_MEM_TYPES,
  type ModMemType,
  type Module,
  type ModuleMemory,
  mod_mem_type_is_init,
  SH_ENTSIZE_OFFSET_MASK,
  SH_ENTSIZE_TYPE_SHIFT,
  type Shdr,
} from './types.ts';

const FILE = 'kernel/module/main.c';
const MODULE_NAME_OFFSET = 24; // offsetof(struct module, name)
const MODULE_NAME_LEN = 56;

export interface LoadResult {
  ok: boolean;
  module?: Module;
  error?: LoadError;
}

function find_sec(info: { sechdrs: Shdr[] }, name: string): number {
  const i = info.sechdrs.findIndex((s, i) => i > 0 && (s.flags & SHF_ALLOC) !== 0n && s.name === name);
  return Math.max(i, 0);
}

/** section_objs(): an SHF_ALLOC section by name (the first), as address and element count. */
function section_objs(info: LoadInfo, name: string, objsize: number): { addr: bigint; num: number } {
  const i = find_sec(info, name);
  return i ? { addr: info.sechdrs[i]!.addr, num: Math.floor(info.sechdrs[i]!.size / objsize) } : { addr: 0n, num: 0 };
}

/** find_module_sections(): where the tables that later work walks are (only those it emulates). */
function find_module_sections(mod: Module, info: LoadInfo): void {
  ({ addr: mod.extable, num: mod.num_exentries } = section_objs(info, '__ex_table', SIZEOF_EXCEPTION_TABLE_ENTRY));
  ({ addr: mod.jump_entries, num: mod.num_jump_entries } = section_objs(info, '__jump_table', SIZEOF_JUMP_ENTRY));
  ({ addr: mod.static_call_sites, num: mod.num_static_call_sites } = section_objs(
    info,
    '.static_call_sites',
    SIZEOF_STATIC_CALL_SITE,
  ));
  // FTRACE_CALLSITE_SECTION
  ({ addr: mod.ftrace_callsites, num: mod.num_ftrace_callsites } = section_objs(info, '__mcount_loc', 8));
}

/** setup_load_info(): the module's name, its symbol table and its struct module section. */
function setup_load_info(
  k: Kernel,
  elf: ElfObject,
  bytes: Uint8Array,
  len: number,
  sig_ok: boolean,
): LoadInfo | LoadError {
  const sechdrs: Shdr[] = elf.sections.map((s) => ({
    name: s.name,
    type: s.type,
    flags: s.flags,
    addr: s.addr,
    offset: Number(s.offset),
    size: Number(s.size),
    link: s.link,
    info: s.info,
    addralign: Number(s.addralign),
    size64: s.size,
    addralign64: s.addralign,
    entsize: s.entsize,
  }));
  const index = { sym: 0, str: 0, mod: 0, vers: 0, info: 0, pcpu: 0 };
  const probe = { sechdrs };
  index.info = find_sec(probe, '.modinfo');
  let name = index.info ? getModinfo(elf.modinfo, 'name') : undefined;
  index.sym = sechdrs.findIndex((s, i) => i > 0 && s.type === 2);
  if (index.sym < 0) index.sym = 0;
  const display = name ?? '(missing .modinfo section or name field)';
  if (!index.sym) {
    k.trace.printk('warn', `${display}: module has no symbols (stripped?)`);
    return loadError(ENOEXEC, 'setup_load_info', `${display}: module has no symbols (stripped?)`);
  }
  index.str = sechdrs[index.sym]!.link;
  index.mod = find_sec(probe, '.gnu.linkonce.this_module');
  if (!index.mod) {
    k.trace.printk('warn', `${display}: No module found in object`);
    return loadError(ENOEXEC, 'setup_load_info', `${display}: No module found in object`);
  }
  if (!name) {
    const at = sechdrs[index.mod]!.offset + MODULE_NAME_OFFSET;
    const raw = bytes.subarray(at, Math.min(at + MODULE_NAME_LEN, bytes.length));
    const end = raw.indexOf(0);
    name = new TextDecoder().decode(raw.subarray(0, end < 0 ? raw.length : end));
  }
  index.vers = find_sec(probe, '__versions');
  index.pcpu = find_sec(probe, '.data..percpu');
  return {
    name,
    elf,
    bytes,
    len,
    sechdrs,
    index,
    sig_ok,
    symoffs: 0,
    stroffs: 0,
    core_typeoffs: 0,
    init_typeoffs: 0,
    mod_kallsyms_init_off: 0,
  };
}

/** rewrite_section_headers(): sh_addr points into the temporary copy; .modinfo and __versions lose SHF_ALLOC. */
function rewrite_section_headers(info: LoadInfo): void {
  info.sechdrs[0]!.addr = 0n;
  for (const s of info.sechdrs.slice(1)) s.addr = BigInt(s.offset);
  info.sechdrs[info.index.vers]!.flags &= ~SHF_ALLOC;
  info.sechdrs[info.index.info]!.flags &= ~SHF_ALLOC;
}

/** 6.4+ move_module(): one allocation per non-empty mod_mem_type, in enum order (v6.4 module_alloc(), 6.12 execmem_alloc()). */
function move_module_mem(k: Kernel, mod: Module, info: LoadInfo, opts: LoadOptions): LoadError | null {
  return k.trace.call('move_module', () => {
    k.trace.step('allocate one region per memory type (RW, NX) and copy the sections in', {
      module: mod.name,
      file: FILE,
    });
    const mem = mod.mem!;
    let next = opts.memStart;
    for (const type of MOD_MEM_TYPES) {
      if (!mem[type].size) continue;
      mem[type].size = PAGE_ALIGN(mem[type].size); // module_memory_alloc()
      const at = opts.memBase?.[type] ?? next;
      if (next !== undefined) next += BigInt(mem[type].size + PAGE_SIZE);
      const base = k.trace.call('module_memory_alloc', () =>
        k.moduleArea.module_alloc(mod.name, type, mem[type].size, at, k.profile.execAlloc),
      );
      if (base === undefined) {
        free_mod_mem(k, mod);
        return loadError(ENOMEM, 'move_module', '');
      }
      mem[type].base = base;
    }
    for (const [i, s] of info.sechdrs.entries()) {
      if (!(s.flags & SHF_ALLOC)) continue;
      const type = MOD_MEM_TYPES[Number(s.entsize >> SH_ENTSIZE_TYPE_SHIFT)]!;
      const dest = mem[type].base + (s.entsize & SH_ENTSIZE_OFFSET_MASK);
      const nobits = s.type === SHT_NOBITS;
      if (!nobits) k.mem.copyIn(dest, info.bytes.subarray(s.offset, s.offset + s.size));
      k.trace.emit({
        kind: 'copy',
        module: mod.name,
        section: s.name,
        sectionIndex: i,
        addr: dest,
        size: s.size,
        nobits,
      });
      s.addr = dest;
    }
    return null;
  });
}

/** do_init_module(): the init allocations leave the module (zeroed layout or mem[] entries); their bases, to free. */
function detach_init(mod: Module): bigint[] {
  if (mod.mem) {
    const bases = MOD_MEM_TYPES.filter((t) => mod_mem_type_is_init(t) && mod.mem![t].base).map((t) => mod.mem![t].base);
    for (const t of MOD_MEM_TYPES) if (mod_mem_type_is_init(t)) mod.mem[t] = { base: 0n, size: 0 };
    return bases;
  }
  const base = mod.init_layout.base;
  mod.init_layout = emptyLayout();
  return base ? [base] : [];
}

/** free_mod_mem() (6.12) or module_memfree() of both layouts: every allocation of the module. */
function free_mod_mem(k: Kernel, mod: Module, only?: (type: ModMemType) => boolean): void {
  if (mod.mem) {
    for (const type of MOD_MEM_TYPES) {
      if ((only && !only(type)) || !mod.mem[type].base) continue;
      k.moduleArea.module_memfree(mod.mem[type].base);
      mod.mem[type] = { base: 0n, size: 0 };
    }
    return;
  }
  if (!only || only('MOD_INIT_TEXT')) {
    if (mod.init_layout.base) k.moduleArea.module_memfree(mod.init_layout.base);
    mod.init_layout = emptyLayout();
  }
  if (!only && mod.core_layout.base) k.moduleArea.module_memfree(mod.core_layout.base);
}

/** move_module(): allocate core and init, copy every SHF_ALLOC section, point sh_addr at the copy. */
function move_module(k: Kernel, mod: Module, info: LoadInfo, opts: LoadOptions): LoadError | null {
  return k.trace.call('move_module', () => {
    k.trace.step('allocate the core and init regions (RW, NX) and copy the sections in', {
      module: mod.name,
      file: FILE,
    });
    const core = k.trace.call('module_alloc', () =>
      k.moduleArea.module_alloc(mod.name, 'core', mod.core_layout.size, opts.coreBase),
    );
    if (core === undefined) return loadError(ENOMEM, 'move_module', '');
    mod.core_layout.base = core;
    if (mod.init_layout.size) {
      const init = k.trace.call('module_alloc', () =>
        k.moduleArea.module_alloc(mod.name, 'init', mod.init_layout.size, opts.initBase),
      );
      if (init === undefined) {
        k.moduleArea.module_memfree(core);
        return loadError(ENOMEM, 'move_module', '');
      }
      mod.init_layout.base = init;
    }
    for (const [i, s] of info.sechdrs.entries()) {
      if (!(s.flags & SHF_ALLOC)) continue;
      const dest =
        s.entsize & INIT_OFFSET_MASK
          ? mod.init_layout.base + (s.entsize & ~INIT_OFFSET_MASK)
          : mod.core_layout.base + s.entsize;
      const nobits = s.type === SHT_NOBITS;
      if (!nobits) k.mem.copyIn(dest, info.bytes.subarray(s.offset, s.offset + s.size));
      k.trace.emit({
        kind: 'copy',
        module: mod.name,
        section: s.name,
        sectionIndex: i,
        addr: dest,
        size: s.size,
        nobits,
      });
      s.addr = dest;
    }
    return null;
  });
}

/** check_modinfo() taints and check_modinfo_livepatch(): what they print on the way. */
function check_modinfo(k: Kernel, mod: Module, info: LoadInfo): void {
  const mi = info.elf.modinfo;
  if (!getModinfo(mi, 'intree')) {
    if (!k.taints.has('O')) k.trace.printk('warn', `${mod.name}: loading out-of-tree module taints kernel.`);
    k.taints.add('O');
    mod.taints.push('O');
  }
  if (getModinfo(mi, 'livepatch') !== undefined) {
    mod.klp = true;
    if (!k.taints.has('K')) k.trace.printk('notice', `${mod.name}: tainting kernel with TAINT_LIVEPATCH`);
    k.taints.add('K');
    mod.taints.push('K');
  }
}

function layout_and_allocate(k: Kernel, mod: Module, info: LoadInfo, opts: LoadOptions): LoadError | null {
  return k.trace.call('layout_and_allocate', () => {
    k.trace.step('check modinfo and section flags', { module: mod.name, file: FILE, fn: 'check_modinfo' });
    check_modinfo(k, mod, info);
    if (k.profile.enforceRwxSections) {
      const rwx = k.trace.call('module_enforce_rwx_sections', () => module_enforce_rwx_sections(k, info));
      if (rwx) return rwx;
    }
    info.sechdrs[info.index.pcpu]!.flags &= ~SHF_ALLOC;
    const roai = find_sec(info, '.data..ro_after_init');
    if (roai) info.sechdrs[roai]!.flags |= SHF_RO_AFTER_INIT;
    const jt = find_sec(info, '__jump_table');
    if (jt) info.sechdrs[jt]!.flags |= SHF_RO_AFTER_INIT;

    if (k.profile.moduleMemory)
      mod.mem = Object.fromEntries(MOD_MEM_TYPES.map((t) => [t, { base: 0n, size: 0 }])) as Record<
        ModMemType,
        ModuleMemory
      >;
    k.trace.call('layout_sections', () => {
      if (mod.mem) {
        k.trace.step('lay out sections by memory type: text, rodata, ro_after_init, data, and their init twins', {
          module: mod.name,
          file: FILE,
        });
        layout_sections_mem(mod, info);
      } else {
        k.trace.step('lay out sections: text | rodata | ro_after_init | data, each from a page boundary', {
          module: mod.name,
          file: FILE,
        });
        layout_sections(mod, info);
      }
    });
    k.trace.call('layout_symtab', () => {
      k.trace.step('symbol table and strings at the end of init; the kept symbols at the end of core', {
        module: mod.name,
        file: 'kernel/module/kallsyms.c',
      });
      layout_symtab(mod, info);
    });
    mod.initsize = mod.mem
      ? MOD_MEM_TYPES.filter(mod_mem_type_is_init).reduce((n, t) => n + PAGE_ALIGN(mod.mem![t].size), 0)
      : mod.init_layout.size;
    return mod.mem ? move_module_mem(k, mod, info, opts) : move_module(k, mod, info, opts);
  });
}

/** add_unformed_module(): refuse a second module of the same name. */
function add_unformed_module(k: Kernel, mod: Module): LoadError | null {
  const old = k.findModule(mod.name);
  if (old) return loadError(old.state === 'LIVE' ? EEXIST : EBUSY, 'add_unformed_module', '');
  k.trace.step('the module joins the modules list, UNFORMED', {
    module: mod.name,
    file: FILE,
    fn: 'add_unformed_module',
  });
  k.modules.push(mod);
  k.setState(mod, 'UNFORMED');
  if (!mod.info.sig_ok) {
    if (!k.taints.has('E'))
      k.trace.printk(
        'notice',
        `${mod.name}: module verification failed: signature and/or required key missing - tainting kernel`,
      );
    k.taints.add('E');
    mod.taints.push('E');
  }
  return null;
}

/** percpu_modalloc(): room in the per-cpu area for .data..percpu. */
function percpu_modalloc(k: Kernel, mod: Module, info: LoadInfo): void {
  const pcpu = info.sechdrs[info.index.pcpu];
  if (!info.index.pcpu || !pcpu || pcpu.size === 0) return;
  mod.percpu = k.percpuAlloc(pcpu.size, pcpu.addralign);
}

function apply_relocations(k: Kernel, mod: Module, info: LoadInfo): LoadError | null {
  return k.trace.call('apply_relocations', () => {
    for (const [i, s] of info.sechdrs.entries()) {
      if (i === 0) continue;
      const infosec = s.info;
      if (infosec >= info.sechdrs.length) continue;
      if (!(info.sechdrs[infosec]!.flags & SHF_ALLOC)) continue;
      let err: LoadError | null = null;
      if (s.flags & SHF_RELA_LIVEPATCH) {
        // a reconstruction's hook (the .klp.text loader hooks, the split sub-modules) replaces the profile's way
        if (k.hooks.klpRelaAtLoad) err = k.hooks.klpRelaAtLoad(k, mod, info, i);
        else if (!k.profile.klpVmlinuxRelocsAtLoad)
          continue; // 5.4: livepatch applies them all later
        else err = klp_apply_section_relocs(k, mod, info, i, null);
      } else if (s.type === SHT_REL) {
        k.trace.printk('err', `${mod.name}: REL relocation unsupported`);
        err = loadError(ENOEXEC, 'apply_relocate', `${mod.name}: REL relocation unsupported`);
      } else if (s.type === SHT_RELA) {
        k.trace.step(`apply ${s.name} to ${info.sechdrs[infosec]!.name}`, {
          module: mod.name,
          file: 'arch/x86/kernel/module.c',
          fn: 'apply_relocate_add',
        });
        const t0 = performance.now();
        err = k.trace.call('apply_relocate_add', () => apply_relocate_add(k, mod, info, i, k.relocationCounts));
        k.relocationMs += performance.now() - t0;
      }
      if (err) return err;
    }
    return k.hooks.afterApplyRelocations?.(k, mod) ?? null;
  });
}

function post_relocation(k: Kernel, mod: Module, info: LoadInfo): LoadError | null {
  return k.trace.call('post_relocation', () => {
    if (mod.num_exentries) k.trace.call('sort_extable', () => sort_extable(k, mod, mod.extable, mod.num_exentries));
    add_kallsyms(k, mod, info);
    return k.trace.call('module_finalize', () => {
      const err = module_finalize(k, mod, info);
      if (!err) k.hooks.afterModuleFinalize?.(k, mod);
      return err;
    });
  });
}

function complete_formation(k: Kernel, mod: Module): void {
  k.trace.call('complete_formation', () => {
    if (mod.mem && k.profile.moduleTextRox) {
      module_enable_rodata_ro(k, mod, false);
      module_enable_data_nx(k, mod);
      module_enable_text_rox(k, mod);
    } else {
      module_enable_ro(k, mod, false);
      module_enable_nx(k, mod);
      module_enable_x(k, mod);
      k.hooks.afterModuleEnableX?.(k, mod);
    }
    k.trace.step('COMING: kallsyms can see the module, nobody can use it yet', { module: mod.name, file: FILE });
    k.setState(mod, 'COMING');
  });
}

/** The exports find_symbol() will see: EXPORT_SYMBOL* leaves a __ksymtab_<name> symbol. */
function find_exports(mod: Module, info: LoadInfo): void {
  const byName = new Map(info.elf.symbols.filter((s) => s.shndx !== 0).map((s) => [s.name, s]));
  for (const s of info.elf.symbols) {
    if (!s.name.startsWith('__ksymtab_')) continue;
    const target = byName.get(s.name.slice('__ksymtab_'.length));
    if (target) mod.exports.set(target.name, mod.symbolValues[target.index]!);
  }
}

/**
 * do_init_module(): run init, go LIVE, make ro_after_init read-only, forget the init region
 * and queue its freeing: do_free_init() runs from the system workqueue after this returns
 * (after synchronize_rcu()), so the init pages outlive the init call by a moment.
 * A module's init is its own code and is not emulated — except a livepatch's, whose init is
 * klp_enable_patch(&patch).
 */
function do_init_module(k: Kernel, mod: Module): LoadError | null {
  return k.trace.call('do_init_module', () => {
    if (mod.klp) {
      const err = k.trace.call('do_one_initcall', () =>
        k.hooks.livepatchInit ? k.hooks.livepatchInit(k, mod) : klp_enable_patch(k, mod),
      );
      if (err) {
        k.trace.step(`${mod.name}'s init failed (${err.errnoName}): the module goes away`, {
          module: mod.name,
          file: FILE,
        });
        k.setState(mod, 'GOING');
        blocking_notifier_call_chain(k, mod);
        klp_module_going(k, mod);
        ftrace_release_mod(k, mod);
        return err;
      }
    } else {
      k.trace.step(`${mod.name}'s init function runs (not emulated: its code is the module's own)`, {
        module: mod.name,
        file: FILE,
        fn: 'do_one_initcall',
      });
    }
    k.trace.step('LIVE', { module: mod.name, file: FILE });
    k.setState(mod, 'LIVE');
    if (mod.mem && k.profile.moduleTextRox) module_enable_rodata_ro(k, mod, true);
    else module_enable_ro(k, mod, true);
    k.trace.step(
      'the init region is forgotten (init layout zeroed) and queued for do_free_init(): llist_add(), schedule_work(&init_free_wq)',
      { module: mod.name, file: FILE },
    );
    const init = detach_init(mod);
    schedule_work(k, 'do_free_init', () => {
      k.trace.step('do_free_init: synchronize_rcu(), then the init region is freed', { module: mod.name, file: FILE });
      for (const base of init) k.moduleArea.module_memfree(base);
    });
    return null;
  });
}

export interface LoadOptions {
  /** Place the core (and init) region here instead of where the allocator would. */
  coreBase?: bigint;
  initBase?: bigint;
  /** 6.4+: place these allocations here instead of where the allocator would. */
  memBase?: Partial<Record<ModMemType, bigint>>;
  /**
   * 6.4+: place every allocation from here, in MOD_* order, each after the previous one and its
   * guard page — where the allocator puts a lone module whose lowest free address this is.
   */
  memStart?: bigint;
}

/**
 * load_module() for one file's bytes (already decompressed, as finit_module() hands them on).
 * A module that makes the kernel touch memory it must not (a relocation offset past its
 * section, a pointer into nowhere) oopses the kernel as it would oops the real one: the fault
 * is in the trace, the insmod dies, and what was half set up stays where it is (taint D).
 */
export function load_module(k: Kernel, bytes: Uint8Array, elf: ElfObject, opts: LoadOptions = {}): LoadResult {
  try {
    const r = load_module_steps(k, bytes, elf, opts);
    run_pending_work(k);
    return r;
  } catch (e) {
    if (!(e instanceof KernelFault)) throw e;
    return { ok: false, error: oops(k, e) };
  }
}

function oops(k: Kernel, e: KernelFault): LoadError {
  k.trace.step('Oops: the kernel takes a page fault it cannot handle; the insmod process is killed', {
    file: 'arch/x86/mm/fault.c',
    fn: 'page_fault_oops',
  });
  for (const line of e.oops) k.trace.printk('err', line);
  k.taints.add('D');
  return { kind: 'load-error', errno: 0, errnoName: 'Oops', message: e.oops[0]!, where: 'page_fault_oops' };
}

function load_module_steps(k: Kernel, bytes: Uint8Array, elf: ElfObject, opts: LoadOptions): LoadResult {
  return k.trace.call('load_module', () => {
    // 5.8+ checks the signature first, then the ELF; before, the header was checked, the loader
    // found its way around the module, and only then looked at the signature (in the files of
    // the time: kernel/module.c, kernel/module_signing.c)
    const validity = k.profile.elfValidityCheck;
    let len = bytes.length;
    let signature: ModuleSignature | undefined;
    const sigCheck = (): LoadError | null => {
      k.trace.step(`${elf.fileName}: check the signature`, {
        fn: 'module_sig_check',
        file: validity ? 'kernel/module/signing.c' : 'kernel/module_signing.c',
      });
      const sig = module_sig_check(bytes);
      if ('kind' in sig) return sig;
      for (const m of sig.messages) k.trace.printk('err', m);
      len = sig.len;
      signature = sig.signature;
      return null;
    };
    if (validity) {
      const err = sigCheck();
      if (err) return { ok: false, error: err };
    }
    k.trace.step('check the ELF header and section table', {
      fn: validity
        ? k.profile.elfValidityCacheCopy
          ? 'elf_validity_cache_copy'
          : 'elf_validity_check'
        : 'elf_header_check',
      file: validity ? FILE : 'kernel/module.c',
    });
    const invalid = validity ? elf_validity_check(bytes, len) : elf_header_check(bytes, len);
    if (invalid) {
      if (invalid.message) k.trace.printk('err', invalid.message);
      return { ok: false, error: invalid };
    }

    k.trace.step('find the name, symbol table and struct module', {
      fn: k.profile.elfValidityCacheCopy ? 'elf_validity_cache_copy' : 'setup_load_info',
      file: FILE,
    });
    let info = setup_load_info(k, elf, bytes, len, signature !== undefined);
    if ('kind' in info) return { ok: false, error: info };
    if (!validity) {
      const err = sigCheck();
      if (err) return { ok: false, error: err };
      info = { ...info, len, sig_ok: signature !== undefined };
      // ≤ 5.7 rewrite_section_headers(): every section's bytes must be inside the (signature-less) file
      const cut = info.sechdrs.find((s) => s.type !== SHT_NOBITS && BigInt(len) < BigInt(s.offset) + s.size64);
      if (cut) {
        const msg = `Module len ${len} truncated`;
        k.trace.printk('err', msg);
        return { ok: false, error: loadError(ENOEXEC, 'rewrite_section_headers', msg) };
      }
    }
    rewrite_section_headers(info);

    const mod: Module = {
      name: info.name,
      // not on the modules list until add_unformed_module()
      state: null,
      core_layout: emptyLayout(),
      init_layout: emptyLayout(),
      initsize: 0,
      symbolValues: new BigUint64Array(elf.symbols.length),
      exports: new Map(),
      klp: false,
      refcnt: 0,
      percpu: 0n,
      info,
      taints: [],
      extable: 0n,
      num_exentries: 0,
      jump_entries: 0n,
      num_jump_entries: 0,
      static_call_sites: 0n,
      num_static_call_sites: 0,
      ftrace_callsites: 0n,
      num_ftrace_callsites: 0,
    };
    for (const s of elf.symbols) mod.symbolValues[s.index] = s.value;

    const fail = (error: LoadError, stage: 'free_module' | 'unlink'): LoadResult => {
      k.trace.call('load_module', () => {
        k.trace.step(`load failed: undo (${error.errnoName})`, { module: mod.name, file: FILE, fn: stage });
        if (stage === 'unlink') {
          const i = k.modules.indexOf(mod);
          if (i >= 0) k.modules.splice(i, 1);
        }
        free_mod_mem(k, mod);
        if (mod.state !== null) k.setState(mod, null);
      });
      return { ok: false, error, module: mod };
    };

    const laid = layout_and_allocate(k, mod, info, opts);
    if (laid) return fail(laid, 'free_module');
    const dup = add_unformed_module(k, mod);
    if (dup) return fail(dup, 'free_module');
    percpu_modalloc(k, mod, info);
    find_module_sections(mod, info);

    const sym = simplify_symbols(k, mod, info);
    if (sym) return fail(sym, 'unlink');
    const rel = apply_relocations(k, mod, info);
    if (rel) return fail(rel, 'unlink');
    const post = post_relocation(k, mod, info);
    if (post) return fail(post, 'unlink');
    find_exports(mod, info);

    ftrace_module_init(k, mod);
    complete_formation(k, mod);
    // prepare_coming_module(): ftrace_module_enable(), klp_module_coming(), the COMING notifiers
    const coming = k.trace.call('prepare_coming_module', () => {
      ftrace_module_enable(k, mod);
      const klp = klp_module_coming(k, mod) ?? k.hooks.afterKlpModuleComing?.(k, mod) ?? null;
      if (klp) return klp;
      const notified = blocking_notifier_call_chain_robust(k, mod);
      if (notified) klp_module_going(k, mod);
      return notified;
    });
    if (coming) {
      k.setState(mod, 'GOING');
      ftrace_release_mod(k, mod); // bug_cleanup
      return fail(coming, 'unlink');
    }
    if (mod.klp) copy_module_elf(mod, info);
    const init = do_init_module(k, mod);
    if (init) return fail(init, 'unlink');
    return { ok: true, module: mod };
  });
}

/** delete_module() → free_module(): GOING notifiers, then the core region is freed. */
export function delete_module(k: Kernel, name: string): LoadError | null {
  try {
    const err = delete_module_steps(k, name);
    run_pending_work(k);
    return err;
  } catch (e) {
    if (!(e instanceof KernelFault)) throw e;
    return oops(k, e);
  }
}

function delete_module_steps(k: Kernel, name: string): LoadError | null {
  const mod = k.findModule(name);
  if (!mod) return loadError(ENOENT, 'delete_module', '');
  if (mod.state !== 'LIVE') return loadError(EBUSY, 'delete_module', '');
  // try_stop_module() with O_NONBLOCK: a module in use stays, -EWOULDBLOCK (= EAGAIN)
  if (mod.refcnt > 0)
    return k.trace.call('delete_module', () => {
      k.trace.step(
        mod.klp
          ? `try_stop_module(): ${mod.name} is in use (refcount ${mod.refcnt}): klp_enable_patch() took a reference (try_module_get()) that only klp_free_patch_finish() puts back, once the patch is disabled and its unpatching transition complete — -EAGAIN`
          : `try_stop_module(): ${mod.name} is in use (refcount ${mod.refcnt}) — -EAGAIN`,
        { module: mod.name, file: FILE, fn: 'try_stop_module' },
      );
      return loadError(EAGAIN, 'try_stop_module', '');
    });
  return k.trace.call('delete_module', () => {
    k.trace.step(`${mod.name}'s exit function runs (not emulated)`, { module: mod.name, file: FILE, fn: 'mod->exit' });
    k.setState(mod, 'GOING');
    blocking_notifier_call_chain(k, mod);
    klp_module_going(k, mod);
    k.hooks.afterKlpModuleGoing?.(k, mod);
    ftrace_release_mod(k, mod);
    k.trace.call('free_module', () => {
      k.trace.step('UNFORMED again while it is unlinked, then its memory is freed: the module is gone', {
        module: mod.name,
        file: FILE,
      });
      // "We leave it in list to prevent duplicate loads, but make sure that no one uses it"
      k.setState(mod, 'UNFORMED');
      free_mod_mem(k, mod);
      k.setState(mod, null);
      k.modules.splice(k.modules.indexOf(mod), 1);
    });
    k.hooks.afterFreeModule?.(k, mod);
    return null;
  });
}
