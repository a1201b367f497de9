// Which loaded module holds an address: mod_find() (kernel/module/tree_lookup.c, 6.1; without
// CONFIG_MODULES_TREE_LOOKUP internal.h's walk of the modules list, which this is — the latched
// tree gives the same answer faster) and __module_text_address() of kernel/module/main.c. They
// are here, not in main.ts, because the arch, ftrace and kallsyms code ask them and main.ts
// imports those. Unlike __module_address(), an UNFORMED module counts: module_finalize() names
// addresses of the module it is finalizing.
import type { Kernel } from '../kernel_types.ts';
import { type Module, mod_mem_type_is_text, within, within_module, within_module_mem_type } from './types.ts';

/** mod_find(): the module whose memory (core or init) holds addr. */
export function mod_find(k: Kernel, addr: bigint): Module | undefined {
  return k.modules.find((m) => m.state !== 'GONE' && within_module(addr, m));
}

const within_text = (addr: bigint, mod: Module) =>
  mod.mem
    ? within_module_mem_type(addr, mod, mod_mem_type_is_text)
    : within(addr, mod.core_layout.base, mod.core_layout.text_size) ||
      within(addr, mod.init_layout.base, mod.init_layout.text_size);

/** __module_text_address(): the module whose text holds addr. */
export function __module_text_address(k: Kernel, addr: bigint): Module | undefined {
  return k.modules.find((m) => m.state !== 'GONE' && within_text(addr, m));
}
