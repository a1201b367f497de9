// Helpers the patching code shares: where a module's sections are (find_sec/section_objs of
// kernel/module/main.c), which region an address is in (within_module_*() of
// include/linux/module.h), kernel_text_address() (kernel/extable.c), and reads of kernel
// memory through the emulated address space.
import { SHF_ALLOC } from '../../elf/constants.ts';
import type { KallsymsEntry } from '../kallsyms.ts';
import type { Kernel } from '../kernel.ts';
import {
  type LoadInfo,
  MOD_MEM_TYPES,
  type ModMemType,
  type Module,
  mod_mem_type_is_init,
  mod_mem_type_is_text,
  type Shdr,
} from './types.ts';

/** section_objs(): an SHF_ALLOC section by name (the first), as address and element count. */
export function section_objs(
  info: LoadInfo,
  name: string,
  objsize: number,
): { addr: bigint; num: number; shdr?: Shdr } {
  const shdr = info.sechdrs.find((s, i) => i > 0 && (s.flags & SHF_ALLOC) !== 0n && s.name === name);
  if (!shdr) return { addr: 0n, num: 0 };
  return { addr: shdr.addr, num: Math.floor(shdr.size / objsize), shdr };
}

/** module_finalize()'s lookup: any section of that name, the last one winning. */
export function finalize_sec(info: LoadInfo, name: string): Shdr | undefined {
  let found: Shdr | undefined;
  for (const s of info.sechdrs) if (s.name === name) found = s;
  return found;
}

const inRange = (addr: bigint, base: bigint, size: number) =>
  size > 0 && base !== 0n && addr >= base && addr < base + BigInt(size);
/** 6.4+: within_module_mem_type() over the module's allocations of one class. */
const withinMem = (addr: bigint, mod: Module, pick: (t: ModMemType) => boolean) =>
  MOD_MEM_TYPES.some((t) => pick(t) && inRange(addr, mod.mem![t].base, mod.mem![t].size));

export const within_module_core = (addr: bigint, mod: Module) =>
  mod.mem
    ? withinMem(addr, mod, (t) => !mod_mem_type_is_init(t))
    : inRange(addr, mod.core_layout.base, mod.core_layout.size);
export const within_module_init = (addr: bigint, mod: Module) =>
  mod.mem ? withinMem(addr, mod, mod_mem_type_is_init) : inRange(addr, mod.init_layout.base, mod.init_layout.size);
export const within_module = (addr: bigint, mod: Module) =>
  within_module_core(addr, mod) || within_module_init(addr, mod);

const within_text = (addr: bigint, mod: Module) =>
  mod.mem
    ? withinMem(addr, mod, mod_mem_type_is_text)
    : inRange(addr, mod.core_layout.base, mod.core_layout.text_size) ||
      inRange(addr, mod.init_layout.base, mod.init_layout.text_size);

/** The module whose text holds addr (__module_text_address()). */
export function module_text_owner(k: Kernel, addr: bigint): Module | undefined {
  return k.modules.find((m) => m.state !== 'GONE' && within_text(addr, m));
}

interface SymIndex {
  sorted: KallsymsEntry[];
  byAddr: Map<bigint, KallsymsEntry[]>;
}
// per vmlinux table (shared by the kernels built from the same kallsyms), not per kernel
const indexes = new WeakMap<Kernel['vmlinux'], SymIndex>();

function symIndex(k: Kernel): SymIndex {
  let ix = indexes.get(k.vmlinux);
  if (!ix) {
    const sorted = [...k.vmlinux.entries].sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    const byAddr = new Map<bigint, KallsymsEntry[]>();
    for (const e of sorted) {
      const l = byAddr.get(e.addr);
      if (l) l.push(e);
      else byAddr.set(e.addr, [e]);
    }
    ix = { sorted, byAddr };
    indexes.set(k.vmlinux, ix);
  }
  return ix;
}

/** The vmlinux symbols at exactly addr. */
export function vmlinux_symbols_at(k: Kernel, addr: bigint): KallsymsEntry[] {
  return symIndex(k).byAddr.get(addr) ?? [];
}

/** The nearest vmlinux symbol at or below addr. */
function vmlinux_symbol_below(k: Kernel, addr: bigint): KallsymsEntry | undefined {
  const s = symIndex(k).sorted;
  let lo = 0;
  let hi = s.length - 1;
  let best: KallsymsEntry | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]!.addr <= addr) {
      best = s[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/**
 * kernel_text_address(): core kernel text or a loaded module's text. vmlinux's _stext/_etext
 * are not in the kallsyms subset, so an address counts as vmlinux text when the nearest
 * symbol at or below it is a text symbol (t/T).
 */
export function kernel_text_address(k: Kernel, addr: bigint): boolean {
  if (module_text_owner(k, addr)) return true;
  const s = vmlinux_symbol_below(k, addr);
  return !!s && /^[tT]$/.test(s.type) && addr - s.addr < 0x100000n;
}

/** A vmlinux symbol's address by name (the first of that name), or undefined. */
export function vmlinux_addr(k: Kernel, name: string): bigint | undefined {
  return k.vmlinux.lookup(name)[0]?.addr;
}

/** A name for addr, for trace titles: a vmlinux symbol, else the module and offset. */
export function symbolic(k: Kernel, addr: bigint): string {
  const at = vmlinux_symbols_at(k, addr)[0];
  if (at) return at.name;
  const m = k.modules.find((m) => m.state !== 'GONE' && within_module(addr, m));
  if (m) {
    if (m.mem) {
      const t = MOD_MEM_TYPES.find((t) => inRange(addr, m.mem![t].base, m.mem![t].size))!;
      return `${m.name}+${t}:0x${(addr - m.mem[t].base).toString(16)}`;
    }
    const init = within_module_init(addr, m);
    const base = init ? m.init_layout.base : m.core_layout.base;
    return `${m.name}+${init ? 'init:' : ''}0x${(addr - base).toString(16)}`;
  }
  return `0x${addr.toString(16)}`;
}

/** Read up to `max` bytes from addr, stopping before the first unmapped page (insn decoding reads ahead). */
export function readAhead(k: Kernel, addr: bigint, max: number): Uint8Array {
  let n = max;
  while (n > 0 && !k.mem.isMapped(addr + BigInt(n - 1))) n--;
  return n > 0 ? k.mem.read(addr, n) : new Uint8Array(0);
}

// hot in the table sorts (ORC: millions of compares on a big module): no DataView per access
export const s32At = (buf: Uint8Array, off: number) =>
  buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! << 24);
export const setS32 = (buf: Uint8Array, off: number, v: number) => {
  buf[off] = v & 0xff;
  buf[off + 1] = (v >>> 8) & 0xff;
  buf[off + 2] = (v >>> 16) & 0xff;
  buf[off + 3] = (v >>> 24) & 0xff;
};
export const s64At = (buf: Uint8Array, off: number) => new DataView(buf.buffer, buf.byteOffset).getBigInt64(off, true);
export const setS64 = (buf: Uint8Array, off: number, v: bigint) =>
  new DataView(buf.buffer, buf.byteOffset).setBigInt64(off, BigInt.asIntN(64, v), true);
export const u64At = (buf: Uint8Array, off: number) => new DataView(buf.buffer, buf.byteOffset).getBigUint64(off, true);

export const readS32 = (k: Kernel, addr: bigint) => s32At(k.mem.read(addr, 4), 0);
export const readU64 = (k: Kernel, addr: bigint) => u64At(k.mem.read(addr, 8), 0);

export const U64 = (1n << 64n) - 1n;
export const addr64 = (v: bigint) => v & U64;
