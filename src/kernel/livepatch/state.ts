// The livepatch core's objects (include/linux/livepatch.h, 6.1) and its global list, per
// emulated kernel.
import type { Kernel } from '../kernel.ts';
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
