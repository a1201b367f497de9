// apply_relocate_add() of arch/x86/kernel/module.c, per kernel profile. Every version refuses a
// target that is not zero (since 4.15, "x86/module: Detect and skip invalid relocations"):
//  5.4:  stores straight into the module (`*(u32 *)loc = val`);
//  6.1:  __apply_relocate_add() with memcpy while the module is UNFORMED, text_poke() and
//        text_poke_sync() afterwards (livepatch's late relocations);
//  6.3+: __write_relocate_add(): the same writes, overflow checked before writing, and a
//        reworded refusal; clear_relocate_add() is its inverse.
import { relaSection } from '../../module/rela.ts';
import { SIZEOF_SYM } from '../../../elf/constants.ts';
import { relocationTypeName } from '../../../elf/names.ts';
import type { RelocationCause, WritePath } from '../../../trace/types.ts';
import { ENOEXEC } from '../../errno.ts';
import type { Kernel } from '../../kernel.ts';
import { loadError, type LoadError } from '../../load_error.ts';
import { hex } from '../../mm/page.ts';
import type { LoadInfo, Module } from '../../module/types.ts';
import { text_poke, text_poke_sync } from './text_poke.ts';

const R_X86_64_NONE = 0;
const R_X86_64_64 = 1;
const R_X86_64_PC32 = 2;
const R_X86_64_PLT32 = 4;
const R_X86_64_32 = 10;
const R_X86_64_32S = 11;
const R_X86_64_PC64 = 24;

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
  const typeCounts = new Uint32Array(64);
  let err: LoadError | null = null;

  for (let i = 0; i < rel.count; i++) {
    const type = rel.types[i]!;
    const loc = (target.addr + rel.offsets[i]!) & U64;
    const symIndex = rel.symbols[i]!;
    const S = symIndex < mod.symbolValues.length ? mod.symbolValues[symIndex]! : 0n;
    const A = rel.addends[i]!;
    let val = (S + A) & U64;
    // the cause is only built when writes are recorded one by one (it costs more than the write)
    const cause = (value: bigint): { cause: RelocationCause } | undefined =>
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
              value,
            },
          }
        : undefined;
    if (counts) typeCounts[type < 64 ? type : 63]!++;

    let size: 4 | 8;
    switch (type) {
      case R_X86_64_NONE:
        continue;
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
        return loadError(ENOEXEC, 'apply_relocate_add', `${mod.name}: Unknown rela relocation: ${type}`);
    }

    if (!mem.isZero(loc, size)) {
      // val is still S + A here; %p prints loc hashed unless the kernel runs with no_hash_pointers
      const msg = `module: x86/modules: ${v63 ? 'Invalid' : 'Skipping invalid'} relocation target, existing value is nonzero for type ${type}, loc ${hex(loc)}, val ${val.toString(16)}`;
      k.trace.printk('err', msg);
      err = loadError(ENOEXEC, 'apply_relocate_add', msg);
      break;
    }
    if (type === R_X86_64_PC32 || type === R_X86_64_PLT32 || type === R_X86_64_PC64) val = (val - loc) & U64;
    const overflow =
      (type === R_X86_64_32 && val !== (val & 0xffffffffn)) ||
      (type === R_X86_64_32S && BigInt.asIntN(64, val) !== BigInt.asIntN(32, val));
    // ≤ 6.2 writes first and reads back; 6.3 checks first and leaves memory untouched
    if (!(overflow && v63)) mem.write(loc, le(val, size), path, cause(val));
    if (overflow) {
      const msg = `overflow in relocation type ${type} val ${val.toString(16)}`;
      k.trace.printk('err', msg);
      k.trace.printk('err', `\`${mod.name}' likely not compiled with -mcmodel=kernel`);
      err = loadError(ENOEXEC, 'apply_relocate_add', msg);
      break;
    }
  }

  if (counts) typeCounts.forEach((n, t) => n && (counts[relocationTypeName(62, t)] = (counts[relocationTypeName(62, t)] ?? 0) + n));
  if (!legacy && !early) text_poke_sync(k, `after ${relName}`);
  return err;
}

/** Where symbol `i` of the module's symtab lives while loading (the init-region copy). */
export const symtabEntryAddress = (info: LoadInfo, i: number) => info.sechdrs[info.index.sym]!.addr + BigInt(i * SIZEOF_SYM);

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
