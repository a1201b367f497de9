// apply_relocate_add() of arch/x86/kernel/module.c, per kernel profile. Every version refuses a
// target that is not zero (since 4.15, "x86/module: Detect and skip invalid relocations"):
//  5.4:  stores straight into the module (`*(u32 *)loc = val`);
//  6.1:  __apply_relocate_add() with memcpy while the module is UNFORMED, text_poke() and
//        text_poke_sync() afterwards (livepatch's late relocations);
//  6.3+: __write_relocate_add(): the same writes, overflow checked before writing, and a
//        reworded refusal; clear_relocate_add() is its inverse.

import {
  R_X86_64_32,
  R_X86_64_32S,
  R_X86_64_64,
  R_X86_64_NONE,
  R_X86_64_PC32,
  R_X86_64_PC64,
  R_X86_64_PLT32,
  SIZEOF_SYM,
} from '../../../elf/constants.ts';
import { relocationTypeName } from '../../../elf/names.ts';
import type { WritePath } from '../../../trace/types.ts';
import { ENOEXEC } from '../../errno.ts';
import type { Kernel } from '../../kernel_types.ts';
import { type LoadError, loadError } from '../../load_error.ts';
import type { Mapping } from '../../mm/address_space.ts';
import { hex } from '../../mm/page.ts';
import { relaSection } from '../../module/rela.ts';
import type { LoadInfo, Module } from '../../module/types.ts';
import { text_poke, text_poke_sync } from './text_poke.ts';

const U64 = (1n << 64n) - 1n;

// scratch buffers: AddressSpace.write() copies what it keeps
const scratch8 = new Uint8Array(8);
const scratch4 = new Uint8Array(4);
const dv8 = new DataView(scratch8.buffer);
const dv4 = new DataView(scratch4.buffer);
function le(value: bigint, size: 4 | 8): Uint8Array {
  if (size === 8) {
    dv8.setBigUint64(0, value & U64, true);
    return scratch8;
  }
  dv4.setUint32(0, Number(value & 0xffffffffn), true);
  return scratch4;
}

/** The name a relocation's symbol shows (a section symbol shows its section's). */
function symbolName(info: LoadInfo, index: number): string {
  const sym = info.elf.symbols[index];
  return sym?.name || (sym ? info.sechdrs[sym.shndx]?.name : '') || '';
}

/** Summary of one apply_relocate_add() call, for the CLI's counts. */
export interface RelocationCounts {
  [type: string]: number;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const NO_COUNTS = new Uint32Array(64);

/** A 64-bit column as 32-bit halves, made once per column (a section is relocated once per load, its file decoded once for many). */
const halvesOf = new WeakMap<BigUint64Array | BigInt64Array, Uint32Array>();
function halves(a: BigUint64Array | BigInt64Array, n: number): Uint32Array {
  let v = halvesOf.get(a);
  if (!v || v.length < n * 2) halvesOf.set(a, (v = new Uint32Array(a.buffer, a.byteOffset, n * 2)));
  return v;
}
const PAGE_BYTES = 4096;

export function apply_relocate_add(
  k: Kernel,
  mod: Module,
  info: LoadInfo,
  relsec: number,
  counts?: RelocationCounts,
): LoadError | null {
  const early = mod.state === 'UNFORMED';
  const legacy = k.profile.relocationWrite === 'store';
  const v63 = k.profile.relocationWrite === 'write-relocate-add';
  const path: WritePath = legacy ? 'store' : early ? 'memcpy' : 'text_poke';
  const rel = relaSection(info, relsec);
  const target = info.sechdrs[rel.targetSection]!;
  const relName = info.sechdrs[relsec]!.name;
  const mem = k.mem;
  const recording = mem.recordWrites;
  const typeCounts = counts ? new Uint32Array(64) : NO_COUNTS;
  let err: LoadError | null = null;

  const CONTINUE = 0;
  const BREAK = 1;
  const RETURN = 2;
  /** One entry, in BigInt, exactly as the kernel does it: every check, message and recorded write. */
  const one = (i: number): number => {
    const type = rel.types[i]!;
    const loc = (target.addr + rel.offsets[i]!) & U64;
    const symIndex = rel.symbols[i]!;
    const S = symIndex < mod.symbolValues.length ? mod.symbolValues[symIndex]! : 0n;
    const A = rel.addends[i]!;
    let val = (S + A) & U64;
    if (counts) typeCounts[type < 64 ? type : 63]!++;

    let size: 4 | 8;
    switch (type) {
      case R_X86_64_NONE:
        return CONTINUE;
      case R_X86_64_64:
        size = 8;
        break;
      case R_X86_64_32:
      case R_X86_64_32S:
        size = 4;
        break;
      case R_X86_64_PC32:
      case R_X86_64_PLT32:
        size = 4;
        break;
      case R_X86_64_PC64:
        size = 8;
        break;
      default:
        k.trace.printk('err', `${mod.name}: Unknown rela relocation: ${type}`);
        err = loadError(ENOEXEC, 'apply_relocate_add', `${mod.name}: Unknown rela relocation: ${type}`);
        return RETURN;
    }

    if (!mem.isZero(loc, size)) {
      // val is still S + A here; %p prints loc hashed unless the kernel runs with no_hash_pointers
      const msg = `module: x86/modules: ${v63 ? 'Invalid' : 'Skipping invalid'} relocation target, existing value is nonzero for type ${type}, loc ${hex(loc)}, val ${val.toString(16)}`;
      k.trace.printk('err', msg);
      err = loadError(ENOEXEC, 'apply_relocate_add', msg);
      return BREAK;
    }
    if (type === R_X86_64_PC32 || type === R_X86_64_PLT32 || type === R_X86_64_PC64) val = (val - loc) & U64;
    const overflow =
      (type === R_X86_64_32 && val !== (val & 0xffffffffn)) ||
      (type === R_X86_64_32S && BigInt.asIntN(64, val) !== BigInt.asIntN(32, val));
    // ≤ 6.2 writes first and reads back; 6.3 checks first and leaves memory untouched
    // the cause is only built when writes are recorded one by one (it costs more than the write)
    if (!(overflow && v63))
      mem.write(
        loc,
        le(val, size),
        path,
        recording
          ? {
              cause: {
                relsec,
                relsecName: relName,
                entry: i,
                type,
                symbol: symbolName(info, symIndex),
                S,
                A,
                P: loc,
                value: val,
              },
            }
          : undefined,
      );
    if (overflow) {
      const msg = `overflow in relocation type ${type} val ${val.toString(16)}`;
      k.trace.printk('err', msg);
      k.trace.printk('err', `\`${mod.name}' likely not compiled with -mcmodel=kernel`);
      err = loadError(ENOEXEC, 'apply_relocate_add', msg);
      return BREAK;
    }
    return CONTINUE;
  };

  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < rel.count; i++) {
      const r = one(i);
      if (r === BREAK) break;
      if (r === RETURN) return err;
    }
  } else {
    // The hot path: 64-bit values as two 32-bit halves in Numbers (no BigInt), stores straight
    // into the page's bytes, recorded (when writes are) as raw halves. Only the common case — a
    // target inside one mapped page that this path may write, still zero, and a value that does
    // not overflow; anything else (refusals, faults, page-crossing targets, unknown types) goes
    // through one() above, so every check, message and its order stay the kernel's.
    const n = rel.count;
    const types = rel.types;
    const syms = rel.symbols;
    const off32 = halves(rel.offsets, n);
    const add32 = halves(rel.addends, n);
    const sv = mod.symbolValues;
    const nsyms = sv.length;
    const sv32 = halves(sv, nsyms);
    const taddr = target.addr & U64;
    const tlo = Number(taddr & 0xffffffffn);
    const thi = Number(taddr >> 32n);
    const needsWritable = path === 'memcpy' || path === 'store';
    // the page last written (a section's relocations mostly go forward through its pages)
    let pIndex = -1;
    let pMap: Mapping | undefined;
    let pI = 0;
    let pData: Uint8Array | undefined;
    let pOk = false;
    let written = 0;
    const trace = k.trace;
    const relNameId = recording ? trace.intern(relName) : -1;
    let symbolIds: Map<number, number> | undefined; // write-log id per symbol index
    try {
      for (let i = 0; i < n; i++) {
        const type = types[i]!;
        let size: number;
        let pcrel: boolean;
        if (type === R_X86_64_PC32 || type === R_X86_64_PLT32) {
          size = 4;
          pcrel = true;
        } else if (type === R_X86_64_64) {
          size = 8;
          pcrel = false;
        } else if (type === R_X86_64_32S || type === R_X86_64_32) {
          size = 4;
          pcrel = false;
        } else if (type === R_X86_64_PC64) {
          size = 8;
          pcrel = true;
        } else if (type === R_X86_64_NONE) {
          if (counts) typeCounts[0]!++;
          continue;
        } else {
          const r = one(i);
          pIndex = -1;
          if (r === BREAK) break;
          if (r === RETURN) return err;
          continue;
        }
        // loc = target->sh_addr + r_offset (mod 2^64)
        let llo = tlo + off32[2 * i]!;
        const lcarry = llo > 0xffffffff ? 1 : 0;
        llo >>>= 0;
        const lhi = (thi + off32[2 * i + 1]! + lcarry) >>> 0;
        const pageOff = llo & (PAGE_BYTES - 1);
        let fast = pageOff + size <= PAGE_BYTES;
        if (fast) {
          const index = lhi * 0x100000 + (llo >>> 12);
          if (index !== pIndex) {
            pIndex = index;
            pMap = mem.mappingAt(index);
            if (pMap) {
              pI = index - pMap.first;
              pData = pMap.data.get(pI);
              pOk = !needsWritable || pMap.write[pI] === 1;
            } else pOk = false;
          }
          fast = pOk;
        }
        // the target must still be zero
        if (fast && pData) for (let j = 0; j < size; j++) if (pData[pageOff + j] !== 0) fast = false;
        let vlo = 0;
        let vhi = 0;
        if (fast) {
          // val = S + A (mod 2^64)
          const sym = syms[i]!;
          const slo = sym < nsyms ? sv32[2 * sym]! : 0;
          const shi = sym < nsyms ? sv32[2 * sym + 1]! : 0;
          vlo = slo + add32[2 * i]!;
          const vcarry = vlo > 0xffffffff ? 1 : 0;
          vlo >>>= 0;
          vhi = (shi + add32[2 * i + 1]! + vcarry) >>> 0;
          if (pcrel) {
            // val -= loc (mod 2^64)
            vlo -= llo;
            const borrow = vlo < 0 ? 1 : 0;
            vlo >>>= 0;
            vhi = (vhi - lhi - borrow) >>> 0;
          } else if (type === R_X86_64_32) fast = vhi === 0;
          else if (type === R_X86_64_32S) fast = vhi === ((vlo | 0) < 0 ? 0xffffffff : 0);
        }
        if (!fast) {
          const r = one(i);
          pIndex = -1;
          if (r === BREAK) break;
          if (r === RETURN) return err;
          continue;
        }
        if (!pData) pMap!.data.set(pI, (pData = new Uint8Array(PAGE_BYTES)));
        if (recording) {
          const sym = syms[i]!;
          let symId = (symbolIds ??= new Map()).get(sym);
          if (symId === undefined) symbolIds.set(sym, (symId = trace.intern(symbolName(info, sym))));
          trace.relocation(
            llo,
            lhi,
            size,
            vlo,
            vhi,
            path,
            relsec,
            relNameId,
            i,
            type,
            symId,
            sym < nsyms ? sv32[2 * sym]! : 0,
            sym < nsyms ? sv32[2 * sym + 1]! : 0,
            add32[2 * i]!,
            add32[2 * i + 1]!,
          );
        }
        pData[pageOff] = vlo & 0xff;
        pData[pageOff + 1] = (vlo >>> 8) & 0xff;
        pData[pageOff + 2] = (vlo >>> 16) & 0xff;
        pData[pageOff + 3] = vlo >>> 24;
        if (size === 8) {
          pData[pageOff + 4] = vhi & 0xff;
          pData[pageOff + 5] = (vhi >>> 8) & 0xff;
          pData[pageOff + 6] = (vhi >>> 16) & 0xff;
          pData[pageOff + 7] = vhi >>> 24;
        }
        written++;
        if (counts) typeCounts[type]!++;
      }
    } finally {
      mem.countWrites(written);
    }
  }

  if (counts)
    typeCounts.forEach(
      (n, t) => n && (counts[relocationTypeName(62, t)] = (counts[relocationTypeName(62, t)] ?? 0) + n),
    );
  if (!legacy && !early) text_poke_sync(k, `after ${relName}`);
  return err;
}

/** Where symbol `i` of the module's symtab lives while loading (the init-region copy). */
export const symtabEntryAddress = (info: LoadInfo, i: number) =>
  info.sechdrs[info.index.sym]!.addr + BigInt(i * SIZEOF_SYM);

/**
 * clear_relocate_add() → write_relocate_add(apply=false) (arch/x86/kernel/module.c, 6.3+):
 * undo a section's relocations on a live module — each target must still hold what the
 * relocation wrote (recomputed from the symbol values the patch kept), then becomes zero.
 */
export function clear_relocate_add(k: Kernel, mod: Module, info: LoadInfo, relsec: number): void {
  const rel = relaSection(info, relsec);
  const target = info.sechdrs[rel.targetSection]!;
  const relName = info.sechdrs[relsec]!.name;
  for (let i = 0; i < rel.count; i++) {
    const type = rel.types[i]!;
    const size = type === R_X86_64_64 || type === R_X86_64_PC64 ? 8 : type === R_X86_64_NONE ? 0 : 4;
    if (!size) continue;
    const loc = (target.addr + rel.offsets[i]!) & U64;
    const S = mod.symbolValues[rel.symbols[i]!] ?? 0n;
    let val = (S + rel.addends[i]!) & U64;
    if (type === R_X86_64_PC32 || type === R_X86_64_PLT32 || type === R_X86_64_PC64) val = (val - loc) & U64;
    const expected = le(val, size as 4 | 8);
    const current = k.mem.read(loc, size);
    if (current.some((b, j) => b !== expected[j])) {
      k.trace.printk(
        'warn',
        `module: x86/modules: Invalid relocation target, existing value does not match expected value for type ${type}, loc ${hex(loc)}, val ${val.toString(16)}`,
      );
      break;
    }
    text_poke(k, loc, new Uint8Array(size), { what: `clear ${relName}[${i}]` });
  }
  text_poke_sync(k, `after clearing ${relName}`);
}
