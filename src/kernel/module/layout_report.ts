// Where a loaded module's sections went and what its pages allow: the view `klp-lab layout`
// prints and the tests compare with /sys/module/M/sections and the page tables.
import type { Kernel } from '../kernel_types.ts';
import { PAGE_SIZE } from '../mm/page.ts';
import { sectionPlacement } from './layout.ts';
import { MOD_MEM_TYPES, type ModMemType, type Module, mod_mem_type_is_init } from './types.ts';

export type PermString = 'r-x' | 'r--' | 'rw-' | 'rwx' | '---';
type PermRanges = Array<{ from: number; to: number; perm: PermString }>;

export interface LayoutReport {
  name: string;
  coresize: number;
  initsize: number;
  /** Offsets from the base of the region (≤ 6.3: core or init layout; 6.4+: the section's allocation). */
  sections: Record<string, { region: 'core' | 'init'; offset: number; type?: ModMemType }>;
  /** ≤ 6.3: the core region's page permissions now, as ranges of offsets from the core base. */
  perms: PermRanges;
  /** 6.4+: each mod_mem_type allocation that exists now, with its page permissions. */
  allocations?: Array<{ type: ModMemType; size: number; perms: PermRanges }>;
}

function permRanges(k: Kernel, base: bigint, size: number): PermRanges {
  const out: PermRanges = [];
  for (let off = 0; off < size; off += PAGE_SIZE) {
    const p = k.mem.perm(base + BigInt(off));
    const perm: PermString = !p ? '---' : p.write ? (p.exec ? 'rwx' : 'rw-') : p.exec ? 'r-x' : 'r--';
    const last = out.at(-1);
    if (last && last.perm === perm && last.to === off) last.to = off + PAGE_SIZE;
    else out.push({ from: off, to: off + PAGE_SIZE, perm });
  }
  return out;
}

export function layoutReport(k: Kernel, mod: Module): LayoutReport {
  const sections: LayoutReport['sections'] = {};
  for (const s of mod.info.sechdrs) {
    // what /sys/module/M/sections lists: placed SHF_ALLOC sections that are not empty (sect_empty())
    if (!(s.flags & 2n) || s.size === 0) continue;
    const at = sectionPlacement(mod, s.entsize);
    if (!at) continue;
    sections[s.name] = {
      region: at.init ? 'init' : 'core',
      offset: at.offset,
      ...(mod.mem ? { type: at.region as ModMemType } : {}),
    };
  }
  // show_initsize(): what the init memory measures now (0 once do_init_module() dropped it)
  const initsize = !k.profile.sysfsInitsize
    ? mod.initsize
    : mod.mem
      ? MOD_MEM_TYPES.filter(mod_mem_type_is_init).reduce((n, t) => n + mod.mem![t].size, 0)
      : mod.init_layout.size;
  if (!mod.mem)
    return {
      name: mod.name,
      coresize: mod.core_layout.size,
      initsize,
      sections,
      perms: permRanges(k, mod.core_layout.base, mod.core_layout.size),
    };
  const mem = mod.mem;
  return {
    name: mod.name,
    coresize: MOD_MEM_TYPES.filter((t) => !mod_mem_type_is_init(t)).reduce((n, t) => n + mem[t].size, 0),
    initsize,
    sections,
    perms: [],
    allocations: MOD_MEM_TYPES.filter((t) => mem[t].base).map((t) => ({
      type: t,
      size: mem[t].size,
      perms: permRanges(k, mem[t].base, mem[t].size),
    })),
  };
}
