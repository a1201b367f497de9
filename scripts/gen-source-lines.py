#!/usr/bin/env python3
# Regenerates one line table of src/trace/source_lines/: where each kernel function the emulator
# names is defined in one kernel version, read with ctags from a tree of that version (the
# version is the elixir.bootlin.com tag the links open).
# Usage: scripts/gen-source-lines.py VERSION TREE > src/trace/source_lines/VERSION.ts
# The trees:
#   v5.4      renxida/linux-5.4, root commit 5b9e66fbc83c9c3b3de107fa158a59700a8f9eba (Makefile 5.4.0)
#   v6.1.192  Debian linux-source-6.1 (6.1.192-3; differs from 6.1.192-2 by one nfsd patch)
#   v6.3.8    SToPire/linux-6.3.8, root commit 15edfdde65045d91c7ef21623a9168a9bf0744f9 (Makefile 6.3.8)
#   v6.4      julianw1010/WASP-linux-6.4.0, root commit 6e5f9d87eda5123991c10244d3ba3731b5218a94 (Makefile 6.4.0)
#   v6.12.118 Debian linux-source-6.12 (6.12.118-1~deb12u1)
# A function defined more than once keeps its first definition that is not __weak: an arch's
# (arch/x86/kernel/module.c's module_finalize()) overrides the generic stub.
import os, re, subprocess, sys

TREES = {
    'v5.4': 'renxida/linux-5.4 at 5b9e66fbc83c (Makefile 5.4.0)',
    'v6.1.192': "Debian's linux-source-6.1 (6.1.192-3)",
    'v6.3.8': 'SToPire/linux-6.3.8 at 15edfdde6504 (Makefile 6.3.8)',
    'v6.4': 'julianw1010/WASP-linux-6.4.0 at 6e5f9d87eda5 (Makefile 6.4.0)',
    'v6.12.118': "Debian's linux-source-6.12 (6.12.118-1~deb12u1)",
}
version, root = sys.argv[1], sys.argv[2]
if version not in TREES:
    sys.exit(f'unknown version {version}: one of {", ".join(TREES)}')
v54 = version == 'v5.4'

# Every function of these files (the loader and livepatch core, x86's module hooks) ...
MODULE = ['kernel/module.c', 'kernel/module_signing.c'] if v54 else [
    'kernel/module/main.c', 'kernel/module/strict_rwx.c', 'kernel/module/kallsyms.c',
    'kernel/module/livepatch.c', 'kernel/module/signing.c', 'kernel/module/decompress.c',
    'kernel/module/version.c', 'kernel/module/tree_lookup.c', 'kernel/module/sysfs.c']
WHOLE = MODULE + ['kernel/livepatch/core.c', 'kernel/livepatch/patch.c', 'kernel/livepatch/transition.c',
                  'arch/x86/kernel/module.c', 'arch/x86/kernel/alternative.c', 'arch/x86/kernel/livepatch.c']
# ... and only the named ones of these.
SOME = {
    'arch/x86/mm/pageattr.c' if v54 else 'arch/x86/mm/pat/set_memory.c': [
        'set_memory_ro', 'set_memory_rw', 'set_memory_x', 'set_memory_nx', 'set_memory_rox', 'cpa_flush',
        'change_page_attr_set_clr', '__cpa_flush_tlb', 'cpa_process_alias'],
    'arch/x86/mm/tlb.c': ['flush_tlb_all', 'flush_tlb_one_kernel'],
    'arch/x86/mm/init_64.c': ['set_kernel_text_rw', 'set_kernel_text_ro'],
    'arch/x86/kernel/unwind_orc.c': ['unwind_module_init'],
    'kernel/trace/ftrace.c': [
        'ftrace_module_init', 'ftrace_module_enable', 'ftrace_release_mod', 'ftrace_free_mem', 'ftrace_process_locs',
        'ftrace_update_code', 'register_ftrace_function', 'unregister_ftrace_function', 'ftrace_startup',
        'ftrace_shutdown', '__register_ftrace_function', '__unregister_ftrace_function', 'ftrace_update_trampoline',
        'ftrace_run_update_code', 'ftrace_modify_all_code', 'ftrace_startup_enable', 'ftrace_set_filter_ip',
        'ftrace_location', 'ftrace_code_disable', 'ftrace_nop_initialize', 'ftrace_init_nop'],
    'arch/x86/kernel/ftrace.c': [
        'ftrace_arch_code_modify_prepare', 'ftrace_arch_code_modify_post_process', 'create_trampoline',
        'arch_ftrace_update_trampoline', 'arch_ftrace_trampoline_free', 'ftrace_make_nop', 'ftrace_make_call',
        'ftrace_modify_code_direct', 'ftrace_replace_code', 'run_sync', 'update_ftrace_func',
        'ftrace_update_ftrace_func', 'ftrace_write', 'ftrace_modify_code', 'arch_ftrace_update_code',
        'add_breakpoints', 'add_update', 'finish_update', 'alloc_tramp', 'tramp_free'],
    'init/main.c': ['do_one_initcall'],
    'kernel/notifier.c': ['blocking_notifier_call_chain', 'blocking_notifier_call_chain_robust'],
    'mm/vmalloc.c': ['vfree', '__vmalloc_node_range', 'vmalloc_exec'],
    'mm/execmem.c': ['execmem_alloc', 'execmem_free'],
    'kernel/jump_label.c': ['jump_label_module_notify', 'jump_label_add_module', 'jump_label_del_module'],
    'kernel/static_call_inline.c': ['static_call_module_notify', 'static_call_add_module', 'static_call_del_module'],
    'kernel/bpf/core.c': ['bpf_prog_pack_alloc'],
    'kernel/kallsyms.c': ['kallsyms_lookup_name'],
    'kernel/workqueue.c': ['schedule_work'],
    'kernel/rcu/tree.c': ['synchronize_rcu'],
}

table = {}
weak = {}
def scan(path, only=None):
    full = f'{root}/{path}'
    if not os.path.exists(full):
        print(f'skipped (not in this tree): {path}', file=sys.stderr)
        return
    lines = open(full, encoding='utf-8', errors='replace').read().split('\n')
    out = subprocess.run(['ctags', '-x', '--c-kinds=f', full], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.match(r'^(\S+)\s+function\s+(\d+)\s+\S+\s+(.*)$', line)
        if not m: continue
        name, n, text = m.group(1), int(m.group(2)), m.group(3)
        s = re.match(r'SYSCALL_DEFINE\d\((\w+)', text)
        if s: name = s.group(1)
        if only is not None and name not in only: continue
        is_weak = '__weak' in lines[n - 1] or (n >= 2 and '__weak' in lines[n - 2])
        if name in table and not weak[name]: continue
        if name in table and is_weak: continue
        table[name] = (path, n)
        weak[name] = is_weak
for p in WHOLE: scan(p)
for p, names in SOME.items(): scan(p, set(names))

# Where a file of a later layout is in this version, for steps whose function has no line here.
RENAMES = {
    'v5.4': {
        'kernel/module/main.c': 'kernel/module.c', 'kernel/module/strict_rwx.c': 'kernel/module.c',
        'kernel/module/kallsyms.c': 'kernel/module.c', 'kernel/module/livepatch.c': 'kernel/module.c',
        'kernel/module/tree_lookup.c': 'kernel/module.c', 'kernel/module/sysfs.c': 'kernel/module.c',
        'kernel/module/version.c': 'kernel/module.c', 'kernel/module/signing.c': 'kernel/module_signing.c',
        'arch/x86/mm/pat/set_memory.c': 'arch/x86/mm/pageattr.c',
    },
}.get(version, {})

print(f'// Generated by scripts/gen-source-lines.py with ctags: where each function is defined in Linux')
print(f'// {version}, read in {TREES[version]}.')
print('// Do not edit by hand.')
print('export const table: {')
print('  tree: string;')
print('  /** A later layout\'s file → where that code is in this version. */')
print('  renames: Readonly<Record<string, string>>;')
print('  /** function name → [file, line] */')
print('  lines: Readonly<Record<string, readonly [string, number]>>;')
print('} = {')
print(f'  tree: {TREES[version]!r},')
if RENAMES:
    print('  renames: {')
    for a in sorted(RENAMES):
        print(f'    {a!r}: {RENAMES[a]!r},')
    print('  },')
else:
    print('  renames: {},')
print('  lines: {')
for name in sorted(table):
    f, n = table[name]
    key = name if re.match(r'^[A-Za-z_]\w*$', name) else repr(name)
    print(f'    {key}: [{repr(f)}, {n}],')
print('  },')
print('};')
