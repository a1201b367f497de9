// The module area's allocator: __vmalloc_node_range() as module_alloc() (arch/x86/kernel/
// module.c, 6.1) and execmem_alloc() (mm/execmem.c, 6.12: every type in the same x86 range)
// call it — lowest free address first (alloc_vmap_area(), mm/vmalloc.c), each area followed by
// an unmapped guard page, pages mapped with PAGE_KERNEL (RW, NX).
import type { TraceRecorder } from '../../trace/recorder.ts';
import type { Region } from '../../trace/types.ts';
import type { AddressSpace } from './address_space.ts';
import { PAGE_ALIGN, PAGE_SIZE } from './page.ts';

export const MODULES_VADDR = 0xffffffffc0000000n;
const MODULES_END = 0xffffffffff000000n;
const MODULES_LEN = Number(MODULES_END - MODULES_VADDR);

interface Area {
  start: bigint;
  /** Including the guard page. */
  end: bigint;
  region?: Region;
}

export class ModuleArea {
  private areas: Area[] = [];

  constructor(
    private readonly mem: AddressSpace,
    private readonly trace: TraceRecorder,
    /** Ranges already taken before the first module (e.g. the BPF program pack). */
    reserved: Array<{ start: bigint; size: number; what: string }> = [],
  ) {
    for (const r of reserved) this.areas.push({ start: r.start, end: r.start + BigInt(r.size) });
    this.areas.sort((a, b) => (a.start < b.start ? -1 : 1));
  }

  /**
   * module_alloc() (or execmem_alloc(), `caller`): returns the base, or undefined when the area
   * is full (-ENOMEM).
   */
  module_alloc(
    module: string,
    name: string,
    size: number,
    at?: bigint,
    caller: 'module_alloc' | 'execmem_alloc' = 'module_alloc',
  ): bigint | undefined {
    const bytes = PAGE_ALIGN(size);
    if (bytes > MODULES_LEN) return undefined; // module_alloc(): PAGE_ALIGN(size) > MODULES_LEN
    const need = BigInt(bytes + PAGE_SIZE); // + guard page
    let candidate = MODULES_VADDR;
    for (const a of this.areas) {
      if (candidate + need <= a.start) break;
      if (a.end > candidate) candidate = a.end;
    }
    // A base observed on a real machine (the allocator's choice depends on its history).
    if (at !== undefined) {
      if (this.areas.some((a) => a.start < at + need && at < a.end)) return undefined;
      candidate = at;
    }
    if (candidate + need > MODULES_END) return undefined;
    const region: Region = { module, name, base: candidate, size: bytes };
    this.areas.push({ start: candidate, end: candidate + need, region });
    this.areas.sort((a, b) => (a.start < b.start ? -1 : 1));
    const perm = { write: true, exec: false };
    this.mem.map(candidate, bytes / PAGE_SIZE, perm);
    this.trace.emit({ kind: 'alloc', region, perm, caller });
    return candidate;
  }

  /** module_memfree() → vfree(): pages unmapped; VM_FLUSH_RESET_PERMS resets the direct map first. */
  module_memfree(base: bigint): void {
    const i = this.areas.findIndex((a) => a.start === base && a.region);
    if (i < 0) return;
    const { region } = this.areas[i]!;
    this.areas.splice(i, 1);
    this.mem.unmap(base, region!.size / PAGE_SIZE);
    this.trace.emit({ kind: 'free', region: region!, caller: 'vfree' });
  }

  regions(): Region[] {
    return this.areas.flatMap((a) => (a.region ? [a.region] : []));
  }
}
