// Kernel versions the emulator follows, as data: where behaviour differs between versions the
// code asks the profile's field for that behaviour, never a version number. Each field says
// which version brought the behaviour and where it lives. A new kernel is a new KernelId and
// its object in `profiles`; the compiler then points at every table keyed by KernelId.
import type { MachineId } from './machine.ts';

export type KernelId = '5.4' | '6.1' | '6.3' | '6.4' | '6.12';

export interface KernelProfile {
  id: KernelId;
  /**
   * Exact source the emulation follows, for narration and source links: its first word is the
   * elixir.bootlin.com tag whose line table (src/trace/source_lines/) the links use.
   */
  version: string;
  /**
   * How apply_relocate_add() writes (arch/x86/kernel/module.c):
   * 'store' — 5.4: `*(u32 *)loc = val`, no checks beyond overflow;
   * 'memcpy-or-text-poke' — 5.8…6.2: memcpy while UNFORMED, else text_poke + text_poke_sync,
   *   refusing non-zero targets;
   * 'write-relocate-add' — 6.3+: the same, plus clear_relocate_add() on unload.
   */
  relocationWrite: 'store' | 'memcpy-or-text-poke' | 'write-relocate-add';
  /**
   * 6.4+ ("module: replace module_layout with module_memory"; include/linux/module.h,
   * kernel/module/main.c): one allocation per MOD_* type instead of core/init layouts.
   */
  moduleMemory: boolean;
  /**
   * 5.8+ ("livepatch: Apply vmlinux-specific KLP relocations early"; apply_relocations() in
   * kernel/module/main.c): `.klp.rela.vmlinux.*` applied while the patch module loads.
   */
  klpVmlinuxRelocsAtLoad: boolean;
  /**
   * 5.8+ ("module: harden ELF info handling", kernel/module/main.c): load_module() checks the
   * signature first, then elf_validity_check() checks the header and the whole section table.
   * Before, kernel/module.c's elf_header_check() checked less (and refused silently),
   * setup_load_info() ran, then module_sig_check() (kernel/module_signing.c), and
   * rewrite_section_headers() refused a section past the end of the file.
   */
  elfValidityCheck: boolean;
  /**
   * 5.7+ ("module: Harden STRICT_MODULE_RWX"; kernel/module/strict_rwx.c since 5.19):
   * layout_and_allocate() refuses a section that is both writable and executable
   * (module_enforce_rwx_sections()).
   */
  enforceRwxSections: boolean;
  /**
   * The 6.1.192 backport (simplify_symbols(), kernel/module/main.c): "Symbol %s has an invalid
   * section index %u (max %u)".
   */
  symbolSectionIndexCheck: boolean;
  /**
   * How livepatch writes a patch module's late relocations (klp_init_object_loaded(),
   * kernel/livepatch/core.c; 5.8's "livepatch,module: Remove .klp.arch and module_disable_ro()"):
   * 'module_disable_ro' — ≤ 5.7: the whole patch module writable again (text stays executable),
   *   plain stores, `.klp.arch` alternatives, module_enable_ro(); vmlinux included;
   * 'text_poke' — 5.8+: klp_apply_object_relocs() for module objects only, through text_poke().
   */
  klpLateRelocs: 'module_disable_ro' | 'text_poke';
  /**
   * 5.8+ ("livepatch: Prevent module-specific KLP rela sections from referencing vmlinux
   * symbols", kernel/livepatch/core.c klp_resolve_symbols()): a `.klp.rela.<module>` section may
   * not name a vmlinux symbol.
   */
  klpModuleRelaNoVmlinuxSyms: boolean;
  /**
   * 6.3+ ("livepatch,x86: Clear relocation targets on a module removal", kernel/livepatch/core.c):
   * klp_clear_object_relocs() zeroes a patch's relocations when their target unloads.
   */
  klpClearRelocsOnGoing: boolean;
  /**
   * How add_kallsyms() copies a kept symbol's name into the core string table:
   * 'strlcpy' — v5.4 and v5.8 (kernel/module.c): `s += strlcpy(s, name, KSYM_NAME_LEN) + 1`,
   *   at most 127 bytes and a NUL, but s moves on by the whole name: a longer name's tail stays
   *   as zeros in the room layout_symtab() counted for it;
   * 'strscpy' — v6.1 on (kernel/module/kallsyms.c): `strscpy(s, name, strtab_size)`, the whole
   *   name, the loop stopping when the room left is too short (-E2BIG).
   */
  kallsymsNameCopy: 'strlcpy' | 'strscpy';
  /**
   * Which TLB flush cpa_flush() ends a set_memory_*() call in when it changed a PTE of module
   * memory (arch/x86/mm/pat/set_memory.c; 5.4: arch/x86/mm/pageattr.c). It never calls
   * flush_tlb_kernel_range(): one IPI round per call, or none when no PTE changed.
   * 'per-page' — v5.4.0: flush_tlb_one_kernel() of each page on every CPU, flush_tlb_all()
   *   above tlb_single_page_flush_ceiling (33) pages;
   * 'all-for-ro-rw' — 5.8 … 6.1 (cpa->force_flush_all, set by cpa_process_alias() for an
   *   address outside the direct map): flush_tlb_all() for set_memory_ro/rw; set_memory_x/nx
   *   change only _PAGE_NX, skip the alias and keep the per-page rule;
   * 'all' — 6.2+: the alias is processed for every call, so each one is flush_tlb_all().
   */
  moduleTlbFlush: 'per-page' | 'all-for-ro-rw' | 'all';
  /**
   * How x86 ftrace changes code (arch/x86/kernel/ftrace.c):
   * 'set_all_modules_text_rw' — ≤ 5.4: every update (ftrace_run_update_code(), and
   *   ftrace_module_enable() while an ftrace_ops is registered) runs between
   *   ftrace_arch_code_modify_prepare() — set_kernel_text_rw() and set_all_modules_text_rw()
   *   (kernel/module.c): the text of every module writable and still executable — and
   *   ftrace_arch_code_modify_post_process(); writes are probe_kernel_write(), with the int3
   *   dance and run_sync() for live code;
   * 'text_poke' — 5.5/5.6+ ("x86/ftrace: Use text_poke()"): prepare only takes text_mutex;
   *   text_poke_early() before the module runs, text_poke_queue()/text_poke_bp() after.
   */
  ftraceCodeModify: 'set_all_modules_text_rw' | 'text_poke';
  /**
   * How create_trampoline() (arch/x86/kernel/ftrace.c) protects a new ftrace trampoline:
   * 'x-while-writable' — 5.4: set_memory_x() on the still-writable page ("anyhow ftrace breaks
   *   W^X completely"), set_memory_ro() once arch_ftrace_update_trampoline() wrote its call;
   * 'ro-then-x' — 6.1: set_memory_ro(), then set_memory_x();
   * 'rox' — 6.2+: set_memory_rox().
   */
  ftraceTrampoline: 'x-while-writable' | 'ro-then-x' | 'rox';
  /**
   * With moduleMemory, what complete_formation() and do_init_module() call
   * (kernel/module/strict_rwx.c): false — v6.4: module_enable_ro(mod, after_init),
   * module_enable_nx(), module_enable_x(), text read-only then executable in two calls;
   * true — 6.12: module_enable_rodata_ro(), module_enable_data_nx(), module_enable_text_rox()
   * (set_memory_rox(): read-only and executable in one call).
   */
  moduleTextRox: boolean;
  /**
   * 6.4+ (kernel/module/main.c): elf_validity_check() and setup_load_info() became one
   * function, elf_validity_cache_copy(), which is what those steps of load_module() name.
   */
  elfValidityCacheCopy: boolean;
  /**
   * module_finalize() (arch/x86/kernel/module.c) patches the compiler's site lists — 5.16+
   * .retpoline_sites, 5.18+ .ibt_endbr_seal, 5.19+ .return_sites (retbleed's return thunks) —
   * with paravirt first. false — 5.4: .altinstructions, the .smp_locks of .text,
   * .parainstructions, jump_label_apply_nops(), then ORC; no return thunks.
   */
  finalizePatchSites: boolean;
  /**
   * 5.7/5.8+ (absent from 5.6.4, present in 5.8.1; kernel/livepatch/core.c klp_module_coming()):
   * a module named "vmlinux" is refused with "vmlinux.ko: invalid module name".
   */
  klpVmlinuxKoCheck: boolean;
  /**
   * The machine a kernel of this profile boots unless told otherwise (machine.ts): the one its
   * real captures ran on, whose CPU and boot choices decide how module_finalize() patches code.
   */
  machine: MachineId;
  /**
   * struct alt_instr and the apply_alternatives() that reads it (arch/x86/kernel/alternative.c):
   * 'cpuid' — ≤ 6.2: 12 bytes, a u16 cpuid whose bit 15 inverts the test; only the entries
   *   whose test holds are written;
   * 'ft_flags' — 6.3+ (14 bytes: u32 ft_flags = cpuid | flags << 16, ALT_FLAG_NOT,
   *   ALT_FLAG_DIRECT_CALL), as 6.12 applies it: nested entries of one site padded to the same
   *   length (written back into the table), the NOPs of sites left alone optimized too, and a
   *   replacement's branches re-aimed by text_poke_apply_relocation().
   */
  altInstr: 'cpuid' | 'ft_flags';
  /**
   * Where alternatives_smp_module_add() turns `lock` prefixes into DS (arch/x86/kernel/module.c
   * module_finalize()): '.text' — ≤ 6.1: that one section; 'MOD_TEXT' — 6.4+: the whole
   * MOD_TEXT allocation, `.exit.text` included.
   */
  smpUnlockRange: '.text' | 'MOD_TEXT';
  /**
   * The function that seals superfluous ENDBRs listed in `.ibt_endbr_seal` (alternative.c):
   * 'apply_ibt_endbr' (5.18–6.1), 'apply_seal_endbr' (6.2+). Neither tests the CPU's IBT feature:
   * a kernel built with X86_KERNEL_IBT seals them on any CPU (6.12's real run on a TCG CPU
   * without `ibt` did).
   */
  endbrSeal: 'apply_ibt_endbr' | 'apply_seal_endbr';
  /** `.parainstructions` patched by apply_paravirt() in module_finalize(): ≤ 6.7 (6.8 made them alternatives). */
  paravirtSites: boolean;
  /**
   * lib/sort.c's sort_r(), whose order of equal keys shows in every table the loader sorts:
   * 'heapsort' — ≤ 6.10's bottom-up heapsort (ties go to the left child);
   * 'heapsort-double-pop' — 6.11+ (6.12.118 lib/sort.c): two elements extracted per round,
   *   ties go to the right child, and a last compare after the loop.
   */
  libSort: 'heapsort' | 'heapsort-double-pop';
  /**
   * Which ORC entry orc_sort_cmp() (arch/x86/kernel/unwind_orc.c) puts first among entries of one
   * address: 'sp_reg' — ≤ 6.3: sp_reg ORC_REG_UNDEFINED and not `end`; 'type' — 6.4+: the 3-bit
   * type ORC_TYPE_UNDEFINED (struct orc_entry lost `end` for `type:3, signal:1`).
   */
  orcTerminator: 'sp_reg' | 'type';
  /**
   * What allocates module memory and ftrace trampolines: 'module_alloc' (≤ 6.9,
   * arch/x86/kernel/module.c) or 'execmem_alloc' (6.10+, mm/execmem.c: EXECMEM_MODULE_TEXT,
   * EXECMEM_MODULE_DATA, EXECMEM_FTRACE — on x86 the same range, PAGE_KERNEL, a guard page).
   */
  execAlloc: 'module_alloc' | 'execmem_alloc';
  /**
   * Built with X86_KERNEL_IBT (Debian from 6.2): every function that may be called indirectly
   * starts with ENDBR64, so its `call __fentry__` is at function+4. Module call sites come from
   * their __mcount_loc; vmlinux's, which a kallsyms dump does not list, are taken to be there.
   */
  ibt: boolean;
  /**
   * /sys/module/M/initsize as show_initsize() reads it: the init allocations' sizes now, 0 once
   * do_init_module() has dropped them. Without it the layout's init size is reported.
   */
  sysfsInitsize: boolean;
  /** /sys/kernel/livepatch/<patch>/replace shows patch->replace (kernel/livepatch/core.c; in 6.12.118, not in 6.4). */
  klpSysfsReplace: boolean;
}

export const profiles: Record<KernelId, KernelProfile> = {
  '5.4': {
    id: '5.4',
    version: 'v5.4',
    relocationWrite: 'store',
    moduleMemory: false,
    klpVmlinuxRelocsAtLoad: false,
    elfValidityCheck: false,
    enforceRwxSections: false,
    symbolSectionIndexCheck: false,
    klpLateRelocs: 'module_disable_ro',
    klpModuleRelaNoVmlinuxSyms: false,
    klpClearRelocsOnGoing: false,
    kallsymsNameCopy: 'strlcpy',
    moduleTlbFlush: 'per-page',
    ftraceCodeModify: 'set_all_modules_text_rw',
    ftraceTrampoline: 'x-while-writable',
    moduleTextRox: false,
    elfValidityCacheCopy: false,
    finalizePatchSites: false,
    klpVmlinuxKoCheck: false,
    machine: 'debian-6.1.192-qemu-tcg-max',
    altInstr: 'cpuid',
    smpUnlockRange: '.text',
    endbrSeal: 'apply_ibt_endbr',
    paravirtSites: true,
    libSort: 'heapsort',
    orcTerminator: 'sp_reg',
    execAlloc: 'module_alloc',
    ibt: false,
    sysfsInitsize: false,
    klpSysfsReplace: false,
  },
  '6.1': {
    id: '6.1',
    version: 'v6.1.192 (Debian 6.1.192-2)',
    relocationWrite: 'memcpy-or-text-poke',
    moduleMemory: false,
    klpVmlinuxRelocsAtLoad: true,
    elfValidityCheck: true,
    enforceRwxSections: true,
    symbolSectionIndexCheck: true,
    klpLateRelocs: 'text_poke',
    klpModuleRelaNoVmlinuxSyms: true,
    klpClearRelocsOnGoing: false,
    kallsymsNameCopy: 'strscpy',
    moduleTlbFlush: 'all-for-ro-rw',
    ftraceCodeModify: 'text_poke',
    ftraceTrampoline: 'ro-then-x',
    moduleTextRox: false,
    elfValidityCacheCopy: false,
    finalizePatchSites: true,
    klpVmlinuxKoCheck: true,
    machine: 'debian-6.1.192-qemu-tcg-max',
    altInstr: 'cpuid',
    smpUnlockRange: '.text',
    endbrSeal: 'apply_ibt_endbr',
    paravirtSites: true,
    libSort: 'heapsort',
    orcTerminator: 'sp_reg',
    execAlloc: 'module_alloc',
    ibt: false,
    sysfsInitsize: false,
    klpSysfsReplace: false,
  },
  // 6.1's loader with 6.3's relocation writing and klp_clear_object_relocs() (v6.3,
  // "livepatch,x86: Clear relocation targets on a module removal"), 6.2+'s TLB rule and
  // trampolines; links open v6.3.8, the nearest tagged tree read (docs/kernels/6.3.md)
  '6.3': {
    id: '6.3',
    version: 'v6.3.8 (6.3 relocations on the 6.1.192 loader)',
    relocationWrite: 'write-relocate-add',
    moduleMemory: false,
    klpVmlinuxRelocsAtLoad: true,
    elfValidityCheck: true,
    enforceRwxSections: true,
    symbolSectionIndexCheck: true,
    klpLateRelocs: 'text_poke',
    klpModuleRelaNoVmlinuxSyms: true,
    klpClearRelocsOnGoing: true,
    kallsymsNameCopy: 'strscpy',
    moduleTlbFlush: 'all',
    ftraceCodeModify: 'text_poke',
    ftraceTrampoline: 'rox',
    moduleTextRox: false,
    elfValidityCacheCopy: false,
    finalizePatchSites: true,
    klpVmlinuxKoCheck: true,
    machine: 'debian-6.1.192-qemu-tcg-max',
    altInstr: 'cpuid',
    smpUnlockRange: '.text',
    endbrSeal: 'apply_ibt_endbr',
    paravirtSites: true,
    libSort: 'heapsort',
    orcTerminator: 'sp_reg',
    execAlloc: 'module_alloc',
    ibt: false,
    sysfsInitsize: false,
    klpSysfsReplace: false,
  },
  '6.4': {
    id: '6.4',
    version: 'v6.4',
    relocationWrite: 'write-relocate-add',
    moduleMemory: true,
    klpVmlinuxRelocsAtLoad: true,
    elfValidityCheck: true,
    enforceRwxSections: true,
    symbolSectionIndexCheck: true,
    klpLateRelocs: 'text_poke',
    klpModuleRelaNoVmlinuxSyms: true,
    klpClearRelocsOnGoing: true,
    kallsymsNameCopy: 'strscpy',
    moduleTlbFlush: 'all',
    ftraceCodeModify: 'text_poke',
    ftraceTrampoline: 'rox',
    moduleTextRox: false,
    elfValidityCacheCopy: true,
    finalizePatchSites: true,
    klpVmlinuxKoCheck: true,
    machine: 'debian-6.1.192-qemu-tcg-max',
    altInstr: 'cpuid',
    smpUnlockRange: '.text',
    endbrSeal: 'apply_ibt_endbr',
    paravirtSites: true,
    libSort: 'heapsort',
    orcTerminator: 'sp_reg',
    execAlloc: 'module_alloc',
    ibt: false,
    sysfsInitsize: false,
    klpSysfsReplace: false,
  },
  '6.12': {
    id: '6.12',
    version: 'v6.12.118 (Debian 6.12.118-1~deb12u1)',
    relocationWrite: 'write-relocate-add',
    moduleMemory: true,
    klpVmlinuxRelocsAtLoad: true,
    elfValidityCheck: true,
    enforceRwxSections: true,
    symbolSectionIndexCheck: true,
    klpLateRelocs: 'text_poke',
    klpModuleRelaNoVmlinuxSyms: true,
    klpClearRelocsOnGoing: true,
    kallsymsNameCopy: 'strscpy',
    machine: 'debian-6.12.118-qemu-tcg-max',
    altInstr: 'ft_flags',
    smpUnlockRange: 'MOD_TEXT',
    endbrSeal: 'apply_seal_endbr',
    paravirtSites: false,
    libSort: 'heapsort-double-pop',
    orcTerminator: 'type',
    execAlloc: 'execmem_alloc',
    moduleTlbFlush: 'all',
    ftraceCodeModify: 'text_poke',
    ftraceTrampoline: 'rox',
    moduleTextRox: true,
    elfValidityCacheCopy: true,
    finalizePatchSites: true,
    klpVmlinuxKoCheck: true,
    ibt: true,
    sysfsInitsize: true,
    klpSysfsReplace: true,
  },
};
