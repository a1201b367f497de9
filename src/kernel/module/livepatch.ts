// kernel/module/livepatch.c (6.1): what the loader keeps of a livepatch module's ELF for the
// livepatch core, which relocates it again when a target module arrives.
import type { LoadInfo, Module } from './types.ts';

/** copy_module_elf(): a livepatch keeps its section headers; its symtab now lives in core kallsyms. */
export function copy_module_elf(mod: Module, info: LoadInfo): void {
  const sechdrs = info.sechdrs.map((s) => ({ ...s }));
  sechdrs[info.index.sym]!.addr = mod.core_kallsyms!.symtab;
  mod.klp_info = { ...info, sechdrs };
}
