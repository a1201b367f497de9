// One or two sentences per kernel function: why the step matters for W^X. Narration only; what
// actually happened comes from the trace's events.
export const WHY: Record<string, string> = {
  setup_load_info:
    "The file is read in place: its section headers, symbol and string tables, .modinfo and the module's name are located. Nothing is allocated yet.",
  module_sig_check:
    "The appended signature, if any, is verified against the kernel's trusted keys before the file is used. With enforcement off, a missing signature or an unknown key only taints the kernel; a malformed signature, or one that does not verify, is refused either way. Nothing is written.",
  elf_header_check:
    'The ELF header is checked before anything in the file is trusted: magic, class, data encoding, machine, type ET_REL and the section header size.',
  elf_validity_check:
    'The headers are checked before anything in the file is trusted: every section must lie inside the file, the string tables must be terminated, there must be exactly one symbol table. Each failure has its own kernel message.',
  elf_validity_cache_copy:
    'The headers are checked and the indices the loader needs are cached in one pass: every section inside the file, the string tables terminated, one symbol table, .modinfo and .gnu.linkonce.this_module present.',
  check_modinfo:
    "The .modinfo strings are checked: vermagic against the running kernel's, and livepatch=Y makes this a livepatch (TAINT_LIVEPATCH). Nothing is written.",
  layout_sections:
    'Every allocated section gets its place: text, read-only data, read-only-after-init data and data, each kind starting on its own page so that each can get its own permissions; init sections go apart, to be freed after init. (6.4+: one allocation per kind, struct module_memory.)',
  layout_symtab:
    'Room is reserved for what kallsyms keeps after init: the core symbols and their names. The copy itself is made later, by add_kallsyms().',
  ftrace_process_locs:
    "The module's __mcount_loc table (the address of every call to __fentry__) is sorted and becomes ftrace records, one per traceable function.",
  ftrace_update_code:
    "Each new record's call site becomes a 5-byte NOP while the module's text is still writable: until a tracer or a livepatch wants the function, calling it costs nothing.",
  ftrace_module_enable:
    "ftrace switches on the call sites of this module that a registered ftrace_ops already wants. With any ops registered it takes the code-modification path even when no site changes — on 5.4 that makes every module's text writable meanwhile.",
  ftrace_arch_code_modify_prepare:
    "5.4: takes text_mutex, then set_kernel_text_rw() and set_all_modules_text_rw(): the kernel text's alias and every module's text become writable while still executable, until post_process. Later kernels only take text_mutex here: they write through text_poke().",
  ftrace_arch_code_modify_post_process:
    '5.4: set_all_modules_text_ro() and set_kernel_text_ro() make the text read-only again (modules already GOING are skipped), then text_mutex is released. Later kernels: text_poke_finish() completes the queued pokes, then the mutex is released.',
  ftrace_replace_code:
    'ftrace rewrites the call sites of the functions it traces: a 5-byte NOP becomes a call to the trampoline, or back. 5.4 stores the bytes with probe_kernel_write() and the int3 protocol while all text is writable; since “x86/ftrace: Use text_poke()” they go through text_poke_queue()/text_poke_finish(), and the text stays read-only.',
  arch_ftrace_update_trampoline:
    "An ftrace_ops that handles its functions on its own — a livepatch's — gets a trampoline of its own, so that its call sites reach its handler directly instead of the list of every ops.",
  create_trampoline:
    "The trampoline is ftrace's template copied into a freshly allocated page of the module area, then made executable: on 5.4 with set_memory_x() while the page is still writable (read-only only once its call is written), on 6.1 read-only first and executable after, since 6.2 both at once (set_memory_rox()).",
  update_ftrace_func:
    'The call inside the trampoline is pointed at the handler the ftrace_ops needs — for a livepatch, klp_ftrace_handler(), which redirects the patched function to its new version.',
  arch_ftrace_trampoline_free: 'No call site uses the trampoline any longer: its page is freed.',
  ftrace_release_mod:
    'The module is going: its ftrace records are removed, so no ftrace_ops can reach its call sites any longer.',
  klp_enable_patch:
    "From the patch module's init: the patch, its objects and functions are checked and initialised (the objects already loaded get their relocations), then __klp_enable_patch() starts the transition.",
  __klp_enable_patch:
    "Each loaded object is patched — its functions' ftrace_ops registered — and the transition starts; objects not loaded yet are patched by klp_module_coming() when they arrive.",
  klp_complete_transition:
    "Every task has switched: the functions' transition flags are cleared and every task's patch state reset, so from now on the ftrace handler no longer looks at tasks.",
  module_disable_ro:
    "5.4: the patch module's text and read-only data become writable again (set_memory_rw()) while the text stays executable, so that klp_write_object_relocations() can store the late relocations; module_enable_ro() closes the window afterwards. This is the flip the October 2019 thread argued about.",
  klp_write_object_relocations:
    "5.4's livepatch relocation writer: each .klp.rela section of this object has its .klp.sym symbols resolved in the object they name and is applied with apply_relocate_add() — plain stores, which is why the patch module must be writable.",
  arch_klp_init_object_loaded:
    "x86, 5.4: the patch's .klp.arch sections (alternatives and paravirt patches that refer to the target object) are applied now that the object is loaded — while the patch module is still writable.",
  klp_cleanup_module_patches_limited:
    'The arriving module could not be patched: every patch already applied to it is reverted before its load fails.',
  clear_relocate_add:
    'The target is going (6.3+): each relocation a patch wrote for it into the patch module is cleared back to zero, as in the .ko, so that the target can be loaded again — before 6.3 the stale value made that reload fail (“existing value is nonzero”).',
  module_enable_rodata_ro:
    'set_memory_ro() on the read-only data (MOD_RODATA, MOD_INIT_RODATA, and after init MOD_RO_AFTER_INIT): no longer writable. The text is not touched here.',
  module_enable_data_nx: 'set_memory_nx() on every data allocation: nothing but text may ever execute.',
  module_enable_text_rox:
    'set_memory_rox() on MOD_TEXT and MOD_INIT_TEXT: read-only and executable in one call, so the text is never writable and executable at once.',
  apply_ibt_endbr:
    'ENDBR64 instructions at functions that are never reached indirectly are overwritten (sealed), so that they cannot become targets of an indirect branch.',
  apply_seal_endbr:
    'ENDBR64 instructions at functions that are never reached indirectly are overwritten (sealed), so that they cannot become targets of an indirect branch — also on a CPU without IBT (the real 6.12 run did it).',
  move_module:
    'module_alloc() hands back fresh vmalloc pages, writable and non-executable; the sections are memcpy’d in. Nothing can run here yet, so writing is safe.',
  add_unformed_module: 'The module is on the modules list but UNFORMED: nobody can find or call it.',
  simplify_symbols:
    'Undefined symbols are resolved against vmlinux and loaded modules (and their exports); no memory is written yet except the module’s own symbol values.',
  apply_relocate_add:
    'Each relocation patches bytes in place: value = S + A (− P for PC-relative). The pages are still RW and NX, so a plain write is allowed and nothing executes the half-patched code.',
  klp_apply_section_relocs:
    'A livepatch’s .klp.rela section: its .klp.sym symbols are looked up in the object they name (vmlinux here, or a module), then written like any relocation.',
  add_kallsyms: 'The kept symbols and their names are copied into the core region, still writable.',
  module_finalize: 'Alternatives, retpolines and return thunks are patched while the text is still writable.',
  apply_returns: 'Return thunks are rewritten while the text is still writable.',
  alternatives_smp_module_add: 'SMP lock prefixes are recorded (and patched on UP).',
  unwind_module_init: 'The ORC unwind tables are sorted in place.',
  ftrace_module_init: 'The fentry call sites are recorded (and turned into NOPs) before the text becomes read-only.',
  module_enable_ro:
    'set_memory_ro() clears _PAGE_RW on text and rodata: from here on a plain store into them faults. Each call that changes a PTE ends in one TLB flush (cpa_flush()).',
  module_enable_nx: 'set_memory_nx() makes sure data is never executable.',
  module_enable_x:
    'set_memory_x() lets the text execute — only now that it is read-only, so no page is ever writable and executable at once.',
  complete_formation: 'COMING: kallsyms sees the module, but strong_try_module_get() still refuses it.',
  prepare_coming_module:
    'ftrace_module_enable() and klp_module_coming() are called directly, then the COMING notifiers run (jump labels, static calls).',
  klp_module_coming:
    'Every livepatch that patches this module has its late relocations written now — into the patch module, not into the arriving target: 5.4 makes the patch module writable again (module_disable_ro(patch->mod)) and stores; 5.8+ writes through text_poke() (klp_apply_object_relocs()) into the RO+X patch. How that write is made decides whether W^X holds.',
  do_one_initcall: 'The module’s init function runs (not emulated).',
  do_init_module:
    'LIVE: the module is usable. ro_after_init data becomes read-only, and the init region is queued for do_free_init().',
  do_free_init:
    'From the system workqueue, after do_init_module() returned: synchronize_rcu(), then the init region is vfree’d. Until now its pages were still mapped, though the module had already forgotten them.',
  free_module:
    'The module goes back to MODULE_STATE_UNFORMED while it is unlinked (so a duplicate load waits), then its memory is freed: the module is gone, with no state at all.',
  try_stop_module:
    'delete_module() refuses a module whose reference count is not zero: an enabled livepatch holds one on itself from klp_enable_patch() until its disable transition completed and its free work ran.',
  klp_init_transition:
    'Every task starts the transition in the state the patch is leaving; the patched functions are marked in transition, so the ftrace handler looks at each task’s own state.',
  klp_start_transition:
    'TIF_PATCH_PENDING marks every task still to switch; a task switches when its stack is found clear of the affected functions, or on its own way out of the kernel.',
  klp_try_complete_transition:
    'The consistency model: a task may switch only if no frame of its stack is in a function being replaced. A task sleeping in one would hold the transition, retried every second.',
  klp_free_patch_work_fn:
    'The patch’s free work: klp_free_patch_finish() waits for the kobject, then module_put() — from here on rmmod of the patch module can succeed.',
  klp_module_going: 'mod->klp_alive is cleared, and every patch that patched this module lets go of it.',
  'mod->exit': 'The module’s exit function runs (not emulated).',
  blocking_notifier_call_chain:
    'The GOING notifiers run (jump labels, static calls); klp_module_going() and ftrace_release_mod() are called directly after them.',
};
