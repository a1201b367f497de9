// layout_sections() and module_get_offset() of kernel/module/main.c (6.1): place every
// SHF_ALLOC section in the core or init layout, grouped text / rodata / ro_after_init / data,
// each group starting on a page boundary (strict_align() under CONFIG_STRICT_MODULE_RWX).
import { SHF_ALLOC, SHF_EXECINSTR, SHF_RO_AFTER_INIT, SHF_WRITE } from '../../elf/constants.ts';
import {
  ENTSIZE_UNSET,
  INIT_OFFSET_MASK,
  type LoadInfo,
  MOD_MEM_TYPES,
  type ModMemType,
  type Module,
  SH_ENTSIZE_OFFSET_MASK,
  SH_ENTSIZE_TYPE_SHIFT,
} from './types.ts';

const ARCH_SHF_SMALL = 0n; // x86 has no small-data sections

// [flags a section must have, flags it must not have], in placement order
const masks: Array<[bigint, bigint]> = [
  [SHF_EXECINSTR | SHF_ALLOC, ARCH_SHF_SMALL],
  [SHF_ALLOC, SHF_WRITE | ARCH_SHF_SMALL],
  [SHF_RO_AFTER_INIT | SHF_ALLOC, ARCH_SHF_SMALL],
  [SHF_WRITE | SHF_ALLOC, ARCH_SHF_SMALL],
  [ARCH_SHF_SMALL | SHF_ALLOC, 0n],
];

// Layout sizes are `unsigned int` in the kernel: a hostile sh_size or sh_addralign wraps them
// exactly as it would there (and module_alloc() then refuses, or allocates, what results).
const U32 = (1n << 32n) - 1n;

/** strict_align() = PAGE_ALIGN() of an unsigned int, wrapping as C does. */
export const strict_align = (size: number) => Number((BigInt(size) + 4095n) & ~4095n & U32);

/** ALIGN(x, a) with x an unsigned int: the mask is (typeof(x))a - 1, so a is cut to 32 bits too. */
export function ALIGN32(x: number, a: bigint): number {
  const mask = ((a & U32) - 1n) & U32;
  return Number((BigInt(x) + mask) & ~mask & U32);
}

/** Returns the section's offset and grows the layout past it (arch_mod_section_prepend() is 0 on x86). */
export function module_get_offset(
  layout: { size: number },
  addralign: bigint | number,
): (size: bigint | number) => number {
  return (size) => {
    const ret = ALIGN32(layout.size, BigInt(addralign) || 1n);
    layout.size = Number((BigInt(ret) + BigInt(size)) & U32);
    return ret;
  };
}

/** module_init_section(): the generic `.init*` rule; with CONFIG_MODULE_UNLOAD exit code stays core. */
const module_init_layout_section = (name: string) => name.startsWith('.init');

export function layout_sections(mod: Module, info: LoadInfo): void {
  for (const s of info.sechdrs) s.entsize = ENTSIZE_UNSET;

  const core = mod.core_layout; // data_layout is core_layout on x86
  for (const [m, [want, avoid]] of masks.entries()) {
    for (const s of info.sechdrs) {
      if (
        (s.flags & want) !== want ||
        (s.flags & avoid) !== 0n ||
        s.entsize !== ENTSIZE_UNSET ||
        module_init_layout_section(s.name)
      )
        continue;
      s.entsize = BigInt(module_get_offset(core, s.addralign64)(s.size64));
    }
    if (m === 0) core.text_size = core.size = strict_align(core.size);
    else if (m === 1) core.ro_size = core.size = strict_align(core.size);
    else if (m === 2) core.ro_after_init_size = core.size = strict_align(core.size);
    else if (m === 4) core.size = strict_align(core.size);
  }

  const init = mod.init_layout;
  for (const [m, [want, avoid]] of masks.entries()) {
    for (const s of info.sechdrs) {
      if (
        (s.flags & want) !== want ||
        (s.flags & avoid) !== 0n ||
        s.entsize !== ENTSIZE_UNSET ||
        !module_init_layout_section(s.name)
      )
        continue;
      s.entsize = BigInt(module_get_offset(init, s.addralign64)(s.size64)) | INIT_OFFSET_MASK;
    }
    if (m === 0) init.text_size = init.size = strict_align(init.size);
    else if (m === 1) init.ro_size = init.size = strict_align(init.size);
    else if (m === 2)
      init.ro_after_init_size = init.ro_size; // RO after init is a core-only notion
    else if (m === 4) init.size = strict_align(init.size);
  }
}

/** module_get_offset_and_type() (kernel/module/main.c, 6.12): the offset with the type in the top bits. */
export function module_get_offset_and_type(
  mod: Module,
  type: ModMemType,
  addralign: bigint | number,
  size: bigint | number,
): bigint {
  const offset = module_get_offset(mod.mem![type], addralign)(size);
  return BigInt(offset) | (BigInt(MOD_MEM_TYPES.indexOf(type)) << SH_ENTSIZE_TYPE_SHIFT);
}

const core_m_to_mem_type: ModMemType[] = ['MOD_TEXT', 'MOD_RODATA', 'MOD_RO_AFTER_INIT', 'MOD_DATA', 'MOD_DATA'];
const init_m_to_mem_type: Array<ModMemType | undefined> = [
  'MOD_INIT_TEXT',
  'MOD_INIT_RODATA',
  undefined,
  'MOD_INIT_DATA',
  'MOD_INIT_DATA',
];

/**
 * layout_sections() / __layout_sections() of 6.12 (module_memory, since 6.4): the same rounds,
 * but every round feeds its own allocation type, and nothing is page-aligned here —
 * module_memory_alloc() rounds each allocation up to whole pages.
 */
export function layout_sections_mem(mod: Module, info: LoadInfo): void {
  for (const s of info.sechdrs) s.entsize = ENTSIZE_UNSET;
  for (const is_init of [false, true]) {
    for (const [m, [want, avoid]] of masks.entries()) {
      const type = is_init ? init_m_to_mem_type[m] : core_m_to_mem_type[m];
      for (const s of info.sechdrs) {
        if (
          (s.flags & want) !== want ||
          (s.flags & avoid) !== 0n ||
          s.entsize !== ENTSIZE_UNSET ||
          is_init !== module_init_layout_section(s.name)
        )
          continue;
        if (!type) continue; // WARN_ON_ONCE(type == MOD_INVALID): ro_after_init in init
        s.entsize = module_get_offset_and_type(mod, type, s.addralign64, s.size64);
      }
    }
  }
}

/** Which allocation and offset sh_entsize names (after layout). */
export function sectionPlacement(
  mod: Module,
  entsize: bigint,
): { region: string; init: boolean; offset: number } | undefined {
  if (entsize === ENTSIZE_UNSET) return undefined;
  if (mod.mem) {
    const type = MOD_MEM_TYPES[Number(entsize >> SH_ENTSIZE_TYPE_SHIFT)]!;
    return { region: type, init: type.startsWith('MOD_INIT_'), offset: Number(entsize & SH_ENTSIZE_OFFSET_MASK) };
  }
  const init = (entsize & INIT_OFFSET_MASK) !== 0n;
  return { region: init ? 'init' : 'core', init, offset: Number(entsize & ~INIT_OFFSET_MASK) };
}
