// Reading a livepatch module's `struct klp_patch` and the arrays it points to from emulated
// memory, with their x86-64 layouts in 6.1 (include/linux/livepatch.h; a kobject is 64 bytes).
// The module's init passes this struct to klp_enable_patch(); its .mod field is THIS_MODULE, so
// it is the data word that a R_X86_64_64 relocation against __this_module fills.
import { SHF_ALLOC } from '../../elf/constants.ts';
import type { Kernel } from '../kernel.ts';
import type { Module } from '../module/types.ts';
import type { KlpFunc, KlpObject, KlpPatch } from './state.ts';

const SIZEOF_KLP_FUNC = 152;
const SIZEOF_KLP_OBJECT = 168;
const KLP_PATCH_OBJS = 8;
const KLP_PATCH_REPLACE = 24;
const R_X86_64_64 = 1;

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
