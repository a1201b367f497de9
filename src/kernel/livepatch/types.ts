// include/linux/livepatch.h (6.1): struct klp_func, klp_object and klp_patch as the core uses
// them, their x86-64 layouts in a patch module's memory (a kobject is 64 bytes), and reading
// them from there. The module's init passes its struct klp_patch to klp_enable_patch(); its
// .mod field is THIS_MODULE, so it is the data word that a R_X86_64_64 relocation against
// __this_module fills. Also the core's lists, per emulated kernel: klp_patches (core.c) and
// klp_ops (patch.c).
import { R_X86_64_64, SHF_ALLOC } from '../../elf/constants.ts';
import type { Kernel } from '../kernel_types.ts';
import type { Module } from '../module/types.ts';

export interface KlpFunc {
  old_name: string;
  /** The replacement's address (relocated, in the patch module); for a NOP, old_func. */
  new_func: bigint;
  old_sympos: number;
  old_func: bigint;
  nop: boolean;
  patched: boolean;
}

export interface KlpObject {
  /** null = vmlinux */
  name: string | null;
  funcs: KlpFunc[];
  /** The loaded target (null for vmlinux, or while the target is not loaded). */
  mod: Module | null;
  patched: boolean;
  /** Added by klp_add_nops() for atomic replace. */
  dynamic: boolean;
}

export interface KlpPatch {
  mod: Module;
  objs: KlpObject[];
  replace: boolean;
  enabled: boolean;
  /** Address of the struct klp_patch in the patch module's data. */
  addr: bigint;
}

/** struct klp_ops: one per patched function address, with its ftrace registration. */
export interface KlpOps {
  old_func: bigint;
  /** ftrace_location(old_func): the call site its ftrace_ops filters on (function+4 after an ENDBR64). */
  site: bigint;
  func_stack: KlpFunc[];
  trampoline: bigint;
}

export interface LivepatchState {
  /** klp_patches, oldest first. */
  patches: KlpPatch[];
  ops: Map<bigint, KlpOps>;
  /** Modules whose klp_alive is set (klp_module_coming ran for them). */
  alive: Set<Module>;
}

const states = new WeakMap<Kernel, LivepatchState>();

export function klpState(k: Kernel): LivepatchState {
  let s = states.get(k);
  if (!s) states.set(k, (s = { patches: [], ops: new Map(), alive: new Set() }));
  return s;
}

export const klp_is_module = (obj: KlpObject) => obj.name !== null;
/** klp_is_object_loaded(): vmlinux always, a module while it is COMING or LIVE. */
export const klp_is_object_loaded = (obj: KlpObject) => !klp_is_module(obj) || obj.mod !== null;
export const objectName = (obj: KlpObject) => obj.name ?? 'vmlinux';

const SIZEOF_KLP_FUNC = 152;
const SIZEOF_KLP_OBJECT = 168;
const KLP_PATCH_OBJS = 8;
const KLP_PATCH_REPLACE = 24;

function u64(k: Kernel, addr: bigint): bigint {
  return new DataView(k.mem.read(addr, 8).buffer).getBigUint64(0, true);
}

function cstring(k: Kernel, addr: bigint): string {
  const bytes: number[] = [];
  for (let a = addr; bytes.length < 512; a++) {
    const b = k.mem.read(a, 1)[0]!;
    if (b === 0) break;
    bytes.push(b);
  }
  return String.fromCharCode(...bytes);
}

/** Where the module's struct klp_patch is, or undefined if it has none. */
export function findKlpPatchStruct(mod: Module): bigint | undefined {
  const info = mod.info;
  const thisModule = info.elf.symbols.find((s) => s.name === '__this_module');
  if (!thisModule) return undefined;
  for (const rel of info.elf.relocations) {
    const target = info.sechdrs[rel.targetSection];
    if (!target || !(target.flags & SHF_ALLOC) || target.name === '.gnu.linkonce.this_module') continue;
    for (let i = 0; i < rel.count; i++)
      if (rel.types[i] === R_X86_64_64 && rel.symbols[i] === thisModule.index && rel.addends[i] === 0n)
        return target.addr + rel.offsets[i]!;
  }
  return undefined;
}

/** klp_for_each_object_static / klp_for_each_func_static over the patch's own arrays. */
export function readKlpPatch(k: Kernel, mod: Module, addr: bigint): KlpPatch {
  const objs: KlpObject[] = [];
  for (let o = u64(k, addr + BigInt(KLP_PATCH_OBJS)); ; o += BigInt(SIZEOF_KLP_OBJECT)) {
    const name = u64(k, o);
    const funcsAddr = u64(k, o + 8n);
    if (!name && !funcsAddr) break;
    const funcs: KlpFunc[] = [];
    for (let f = funcsAddr; ; f += BigInt(SIZEOF_KLP_FUNC)) {
      const oldName = u64(k, f);
      const newFunc = u64(k, f + 8n);
      const sympos = u64(k, f + 16n);
      if (!oldName && !newFunc && !sympos) break;
      funcs.push({
        old_name: cstring(k, oldName),
        new_func: newFunc,
        old_sympos: Number(sympos),
        old_func: 0n,
        nop: false,
        patched: false,
      });
    }
    objs.push({ name: name ? cstring(k, name) : null, funcs, mod: null, patched: false, dynamic: false });
  }
  return { mod, objs, replace: k.mem.read(addr + BigInt(KLP_PATCH_REPLACE), 1)[0] !== 0, enabled: false, addr };
}
