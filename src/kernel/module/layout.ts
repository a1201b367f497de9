// layout_sections() and module_get_offset() of kernel/module/main.c (6.1): place every
// SHF_ALLOC section in the core or init layout, grouped text / rodata / ro_after_init / data,
// each group starting on a page boundary (strict_align() under CONFIG_STRICT_MODULE_RWX).
import { SHF_ALLOC, SHF_EXECINSTR, SHF_RO_AFTER_INIT, SHF_WRITE } from '../../elf/constants.ts';
import { PAGE_ALIGN } from '../mm/page.ts';
import { ENTSIZE_UNSET, INIT_OFFSET_MASK, type LoadInfo, type Module, type ModuleLayout } from './types.ts';

const ARCH_SHF_SMALL = 0n; // x86 has no small-data sections

// [flags a section must have, flags it must not have], in placement order
const masks: Array<[bigint, bigint]> = [
  [SHF_EXECINSTR | SHF_ALLOC, ARCH_SHF_SMALL],
  [SHF_ALLOC, SHF_WRITE | ARCH_SHF_SMALL],
  [SHF_RO_AFTER_INIT | SHF_ALLOC, ARCH_SHF_SMALL],
  [SHF_WRITE | SHF_ALLOC, ARCH_SHF_SMALL],
  [ARCH_SHF_SMALL | SHF_ALLOC, 0n],
];

export const strict_align = (size: number) => PAGE_ALIGN(size);

const ALIGN = (n: number, a: number) => Math.ceil(n / a) * a;

/** Returns the section's offset and grows the layout past it (arch_mod_section_prepend() is 0 on x86). */
export function module_get_offset(layout: ModuleLayout, addralign: number): (size: number) => number {
  return (size: number) => {
    const ret = ALIGN(layout.size, addralign || 1);
    layout.size = ret + size;
    return ret;
  };
}

/** module_init_section(): the generic `.init*` rule; with CONFIG_MODULE_UNLOAD exit code stays core. */
export const module_init_layout_section = (name: string) => name.startsWith('.init');

export function layout_sections(mod: Module, info: LoadInfo): void {
  for (const s of info.sechdrs) s.entsize = ENTSIZE_UNSET;

  const core = mod.core_layout; // data_layout is core_layout on x86
  for (const [m, [want, avoid]] of masks.entries()) {
    for (const s of info.sechdrs) {
      if ((s.flags & want) !== want || (s.flags & avoid) !== 0n || s.entsize !== ENTSIZE_UNSET || module_init_layout_section(s.name))
        continue;
      s.entsize = BigInt(module_get_offset(core, s.addralign)(s.size));
    }
    if (m === 0) core.text_size = core.size = strict_align(core.size);
    else if (m === 1) core.ro_size = core.size = strict_align(core.size);
    else if (m === 2) core.ro_after_init_size = core.size = strict_align(core.size);
    else if (m === 4) core.size = strict_align(core.size);
  }

  const init = mod.init_layout;
  for (const [m, [want, avoid]] of masks.entries()) {
    for (const s of info.sechdrs) {
      if ((s.flags & want) !== want || (s.flags & avoid) !== 0n || s.entsize !== ENTSIZE_UNSET || !module_init_layout_section(s.name))
        continue;
      s.entsize = BigInt(module_get_offset(init, s.addralign)(s.size)) | INIT_OFFSET_MASK;
    }
    if (m === 0) init.text_size = init.size = strict_align(init.size);
    else if (m === 1) init.ro_size = init.size = strict_align(init.size);
    else if (m === 2) init.ro_after_init_size = init.ro_size; // RO after init is a core-only notion
    else if (m === 4) init.size = strict_align(init.size);
  }
}
