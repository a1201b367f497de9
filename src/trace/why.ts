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
  prepare_coming_module: 'The COMING notifiers run: ftrace, livepatch (klp_module_coming), jump labels, static calls.',
  klp_module_coming:
    'A livepatch that patches this module gets its late relocations now: the target’s text is already RO+X, so how it writes decides whether W^X holds.',
  do_one_initcall: 'The module’s init function runs (not emulated).',
  do_init_module: 'LIVE: the module is usable. ro_after_init data becomes read-only.',
  do_free_init: 'The init region is vfree’d: its pages are gone.',
  free_module: 'The core region is freed; the module is gone.',
  'mod->exit': 'The module’s exit function runs (not emulated).',
  blocking_notifier_call_chain: 'The GOING notifiers run (livepatch, ftrace, jump labels).',
};
