// One or two sentences per kernel function: why the step matters for W^X. Narration only; what
// actually happened comes from the trace's events.
export const WHY: Record<string, string> = {
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
