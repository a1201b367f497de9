// The emulated `struct load_info` and `struct module` (kernel/module/internal.h,
// include/linux/module.h, 6.1): only the fields the loader's logic reads or writes; and
// module.h's inline tests of which region of a module an address is in.
import type { ElfObject } from '../../elf/types.ts';
import type { ModuleState } from '../../trace/types.ts';
import { U64_MAX } from '../limits.ts';

/** A section header as the loader mutates it (sh_addr, sh_flags and sh_entsize change). */
export interface Shdr {
  name: string;
  type: number;
  flags: bigint;
  /** In the temporary image (rewrite_section_headers), then the final address (move_module). */
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  /** sh_size and sh_addralign exactly (u64), for the loader's unsigned-int layout arithmetic. */
  size64: bigint;
  addralign64: bigint;
  /** layout_sections() stores each section's offset here; INIT_OFFSET_MASK marks init. */
  entsize: bigint;
}

export const INIT_OFFSET_MASK = 1n << 63n;
export const ENTSIZE_UNSET = U64_MAX; // ~0UL

export interface LoadInfo {
  name: string;
  elf: ElfObject;
  /** The file as the kernel holds it (info->hdr), info->len bytes of ELF. */
  bytes: Uint8Array;
  len: number;
  sechdrs: Shdr[];
  index: { sym: number; str: number; mod: number; vers: number; info: number; pcpu: number };
  sig_ok: boolean;
  // layout_symtab()
  symoffs: number;
  stroffs: number;
  core_typeoffs: number;
  init_typeoffs: number;
  mod_kallsyms_init_off: number;
}

/** struct module_layout (≤ 6.3): sizes are offsets from base, page-aligned under STRICT_MODULE_RWX. */
export interface ModuleLayout {
  base: bigint;
  size: number;
  text_size: number;
  ro_size: number;
  ro_after_init_size: number;
}

/** enum mod_mem_type (include/linux/module.h, 6.4+), in its order: move_module() allocates in this order. */
export const MOD_MEM_TYPES = [
  'MOD_TEXT',
  'MOD_DATA',
  'MOD_RODATA',
  'MOD_RO_AFTER_INIT',
  'MOD_INIT_TEXT',
  'MOD_INIT_DATA',
  'MOD_INIT_RODATA',
] as const;
export type ModMemType = (typeof MOD_MEM_TYPES)[number];
export const mod_mem_type_is_init = (t: ModMemType) => t.startsWith('MOD_INIT_');
export const mod_mem_type_is_text = (t: ModMemType) => t === 'MOD_TEXT' || t === 'MOD_INIT_TEXT';
/** 6.4+: sh_entsize = offset | type << SH_ENTSIZE_TYPE_SHIFT (BITS_PER_LONG - 4). */
export const SH_ENTSIZE_TYPE_SHIFT = 60n;
export const SH_ENTSIZE_OFFSET_MASK = (1n << 60n) - 1n;

/** struct module_memory (6.4+): one allocation per type. */
export interface ModuleMemory {
  base: bigint;
  size: number;
}

export const emptyLayout = (): ModuleLayout => ({ base: 0n, size: 0, text_size: 0, ro_size: 0, ro_after_init_size: 0 });

export interface Module {
  name: string;
  state: ModuleState;
  core_layout: ModuleLayout;
  init_layout: ModuleLayout;
  /** 6.4+ (profile.moduleMemory): mod->mem[], one allocation per type; core/init layouts stay empty. */
  mem?: Record<ModMemType, ModuleMemory>;
  /** init_layout.size as laid out (/sys/module/M/initsize reads it before init is freed). */
  initsize: number;
  /** Resolved st_value of every symbol of the module's full symtab (index = symbol index). */
  symbolValues: BigUint64Array;
  /** Exported by this module (EXPORT_SYMBOL*): name → address. */
  exports: Map<string, bigint>;
  /** is_livepatch_module(): modinfo livepatch= present. */
  klp: boolean;
  /** module_refcount(): references that keep delete_module() away. */
  refcnt: number;
  /** mod_percpu(): where this module's per-cpu section was allocated (0 if it has none). */
  percpu: bigint;
  /** copy_module_elf(): what a livepatch keeps of its ELF for later relocation. */
  klp_info?: LoadInfo;
  info: LoadInfo;
  taints: string[];
  /** add_kallsyms(): where the kept symbols live after init. */
  core_kallsyms?: { symtab: bigint; num_symtab: number };
  // find_module_sections(): where the tables the COMING/GOING work walks are, and their lengths
  /** __ex_table (struct exception_table_entry, 12 bytes). */
  extable: bigint;
  num_exentries: number;
  /** __jump_table (struct jump_entry, 16 bytes). */
  jump_entries: bigint;
  num_jump_entries: number;
  /** .static_call_sites (struct static_call_site, 8 bytes). */
  static_call_sites: bigint;
  num_static_call_sites: number;
  /** __mcount_loc: the fentry call sites, one address each. */
  ftrace_callsites: bigint;
  num_ftrace_callsites: number;
}

/** `addr` in [base, base + size) of an allocation that exists. */
export const within = (addr: bigint, base: bigint, size: number) =>
  size > 0 && base !== 0n && addr >= base && addr < base + BigInt(size);

/** within_module_mem_type() (6.4+), over every allocation of the types `pick` accepts. */
export const within_module_mem_type = (addr: bigint, mod: Module, pick: (t: ModMemType) => boolean) =>
  MOD_MEM_TYPES.some((t) => pick(t) && within(addr, mod.mem![t].base, mod.mem![t].size));

const within_module_core = (addr: bigint, mod: Module) =>
  mod.mem
    ? within_module_mem_type(addr, mod, (t) => !mod_mem_type_is_init(t))
    : within(addr, mod.core_layout.base, mod.core_layout.size);
export const within_module_init = (addr: bigint, mod: Module) =>
  mod.mem
    ? within_module_mem_type(addr, mod, mod_mem_type_is_init)
    : within(addr, mod.init_layout.base, mod.init_layout.size);
export const within_module = (addr: bigint, mod: Module) =>
  within_module_core(addr, mod) || within_module_init(addr, mod);
