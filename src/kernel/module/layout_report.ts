// Where a loaded module's sections went and what its core pages allow: the view `klp-lab
// layout` prints and the tests compare with /sys/module/M/sections and the page tables.
import type { Kernel } from '../kernel.ts';
import { PAGE_SIZE } from '../mm/page.ts';
import { INIT_OFFSET_MASK, type Module } from './types.ts';

export type PermString = 'r-x' | 'r--' | 'rw-' | 'rwx' | '---';

export interface LayoutReport {
  name: string;
  coresize: number;
  initsize: number;
  sections: Record<string, { region: 'core' | 'init'; offset: number }>;
  /** The core region's page permissions now, as ranges of offsets from the core base. */
  perms: Array<{ from: number; to: number; perm: PermString }>;
}

export function layoutReport(k: Kernel, mod: Module): LayoutReport {
  const sections: LayoutReport['sections'] = {};
  for (const s of mod.info.sechdrs) {
    // what /sys/module/M/sections lists: placed SHF_ALLOC sections that are not empty (sect_empty())
    if (!(s.flags & 2n) || s.size === 0 || s.entsize === (1n << 64n) - 1n) continue;
    const init = (s.entsize & INIT_OFFSET_MASK) !== 0n;
    sections[s.name] = { region: init ? 'init' : 'core', offset: Number(s.entsize & ~INIT_OFFSET_MASK) };
  }
  const perms: LayoutReport['perms'] = [];
  for (let off = 0; off < mod.core_layout.size; off += PAGE_SIZE) {
    const p = k.mem.perm(mod.core_layout.base + BigInt(off));
    const perm: PermString = !p ? '---' : p.write ? (p.exec ? 'rwx' : 'rw-') : p.exec ? 'r-x' : 'r--';
    const last = perms.at(-1);
    if (last && last.perm === perm && last.to === off) last.to = off + PAGE_SIZE;
    else perms.push({ from: off, to: off + PAGE_SIZE, perm });
  }
  return { name: mod.name, coresize: mod.core_layout.size, initsize: mod.initsize, sections, perms };
}
