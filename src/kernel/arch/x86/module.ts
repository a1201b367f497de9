// arch/x86/kernel/module.c, per kernel profile: apply_relocate_add(), clear_relocate_add() and
// module_finalize() (module_alloc() is mm/vmalloc.ts's ModuleArea). apply_relocate_add():
//  5.4:  stores straight into the module (`*(u32 *)loc = val`);
//  6.1:  __apply_relocate_add() with memcpy while the module is UNFORMED, text_poke() and
//        text_poke_sync() afterwards (livepatch's late relocations);
//  6.3+: __write_relocate_add(): the same writes, overflow checked before writing, and a
//        reworded refusal; clear_relocate_add() is its inverse.
// Every version refuses a target that is not zero (since 4.15, "x86/module: Detect and skip
// invalid relocations"). The loop is written once, entry by entry as the kernel's; on a
// little-endian host the entries it would write the common way go in runs through
// AddressSpace.applyRelocationBatch(), which writes the same bytes and trace without BigInt
// (relocation_log.test.ts holds both to that).
import {
  R_X86_64_32,
  R_X86_64_32S,
  R_X86_64_64,
  R_X86_64_NONE,
  R_X86_64_PC32,
  R_X86_64_PC64,
  R_X86_64_PLT32,
} from '../../../elf/constants.ts';
import { relocationTypeName } from '../../../elf/names.ts';
import type { ElfRelocationSection } from '../../../elf/types.ts';
import type { WritePath } from '../../../trace/types.ts';
import { ENOEXEC } from '../../errno.ts';
import type { Kernel } from '../../kernel_types.ts';
import { ptr_to_id } from '../../lib/vsprintf.ts';
import { U64_MAX } from '../../limits.ts';
import { type LoadError, loadError } from '../../load_error.ts';
import {
  RELOC_FITS_S32,
  RELOC_FITS_U32,
  RELOC_PCREL,
  RELOC_SKIP,
  type RelocationRows,
} from '../../mm/address_space.ts';
import { relaSection } from '../../module/rela.ts';
import type { LoadInfo, Module, Shdr } from '../../module/types.ts';
import type { KernelProfile } from '../../profile.ts';
import {
  alternatives_smp_module_add,
  apply_alternatives,
  apply_ibt_endbr,
  apply_paravirt,
  apply_retpolines,
  apply_returns,
} from './alternative.ts';
import { apply_alternatives as apply_alternatives_ft_flags } from './alternative_ft_flags.ts';
import { text_poke, text_poke_sync } from './text_poke.ts';
import { unwind_module_init } from './unwind_orc.ts';

const FILE = 'arch/x86/kernel/module.c';

/** What each profile's apply_relocate_add() does differently (KernelProfile.relocationWrite). */
const VARIANTS: Record<
  KernelProfile['relocationWrite'],
  {
    /** How an entry is written, `early` while the module is UNFORMED. */
    path(early: boolean): WritePath;
    /** The refusal of a non-zero target starts "x86/modules: <this> relocation target". */
    invalid: string;
    /** An overflowing value is refused before it is written (6.3+), not after. */
    overflowFirst: boolean;
  }
> = {
  store: { path: () => 'store', invalid: 'Skipping invalid', overflowFirst: false },
  'memcpy-or-text-poke': {
    path: (early) => (early ? 'memcpy' : 'text_poke'),
    invalid: 'Skipping invalid',
    overflowFirst: false,
  },
  'write-relocate-add': {
    path: (early) => (early ? 'memcpy' : 'text_poke'),
    invalid: 'Invalid',
    overflowFirst: true,
  },
};

// scratch buffers: AddressSpace.write() copies what it keeps
const scratch8 = new Uint8Array(8);
const scratch4 = new Uint8Array(4);
const dv8 = new DataView(scratch8.buffer);
const dv4 = new DataView(scratch4.buffer);
function le(value: bigint, size: 4 | 8): Uint8Array {
  if (size === 8) {
    dv8.setBigUint64(0, value & U64_MAX, true);
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

/** One apply_relocate_add() call: the section, how this profile writes, and what went wrong. */
interface Relocating {
  k: Kernel;
  mod: Module;
  info: LoadInfo;
  relsec: number;
  rel: ElfRelocationSection;
  target: bigint;
  path: WritePath;
  variant: (typeof VARIANTS)[KernelProfile['relocationWrite']];
  /** Entries seen, by type (types from 63 on counted as 63). */
  counts: Uint32Array;
  err: LoadError | null;
}

const NEXT = 0;
/** `goto invalid_relocation` / `goto overflow`: the section stops, the error is returned. */
const STOP = 1;
/** `return -ENOEXEC` straight from the switch (an unknown type). */
const RETURN = 2;

/**
 * One entry of the kernel's loop, in BigInt as the kernel computes it: every check, message and
 * write (with the RelocationCause the trace shows). 6.1's __apply_relocate_add():
 *   loc = sechdrs[sechdrs[relsec].sh_info].sh_addr + rel[i].r_offset;
 *   val = sym->st_value + rel[i].r_addend;
 *   case R_X86_64_32: if (*(u32 *)loc != 0) goto invalid_relocation;
 *                     write(loc, &val, 4); if (val != *(u32 *)loc) goto overflow;
 *   case R_X86_64_PC32: … val -= (u64)loc; write(loc, &val, 4);
 * 6.3's __write_relocate_add() checks the overflow in the switch, before writing.
 */
function write_relocate_entry(c: Relocating, i: number): number {
  const { k, mod, rel } = c;
  const type = rel.types[i]!;
  const loc = (c.target + rel.offsets[i]!) & U64_MAX;
  const symIndex = rel.symbols[i]!;
  const S = symIndex < mod.symbolValues.length ? mod.symbolValues[symIndex]! : 0n;
  const A = rel.addends[i]!;
  let val = (S + A) & U64_MAX;
  c.counts[type < 64 ? type : 63]!++;

  let size: 4 | 8;
  switch (type) {
    case R_X86_64_NONE:
      return NEXT;
    case R_X86_64_64:
    case R_X86_64_PC64:
      size = 8;
      break;
    case R_X86_64_32:
    case R_X86_64_32S:
    case R_X86_64_PC32:
    case R_X86_64_PLT32:
      size = 4;
      break;
    default:
      k.trace.printk('err', `${mod.name}: Unknown rela relocation: ${type}`);
      c.err = loadError(ENOEXEC, 'apply_relocate_add', `${mod.name}: Unknown rela relocation: ${type}`);
      return RETURN;
  }

  if (!k.mem.isZero(loc, size)) {
    // val is still S + A here; %p prints loc hashed (ptr_to_id())
    const msg = `module: x86/modules: ${c.variant.invalid} relocation target, existing value is nonzero for type ${type}, loc ${ptr_to_id(loc)}, val ${val.toString(16)}`;
    k.trace.printk('err', msg);
    c.err = loadError(ENOEXEC, 'apply_relocate_add', msg);
    return STOP;
  }
  if (type === R_X86_64_PC32 || type === R_X86_64_PLT32 || type === R_X86_64_PC64) val = (val - loc) & U64_MAX;
  const overflow =
    (type === R_X86_64_32 && val !== (val & 0xffffffffn)) ||
    (type === R_X86_64_32S && BigInt.asIntN(64, val) !== BigInt.asIntN(32, val));
  if (!(overflow && c.variant.overflowFirst)) {
    // the cause is only built when writes are recorded one by one (it costs more than the write)
    const cause = k.mem.recordWrites
      ? {
          cause: {
            relsec: c.relsec,
            relsecName: c.info.sechdrs[c.relsec]!.name,
            entry: i,
            type,
            symbol: symbolName(c.info, symIndex),
            S,
            A,
            P: loc,
            value: val,
          },
        }
      : undefined;
    k.mem.write(loc, le(val, size), c.path, cause);
  }
  if (overflow) {
    const msg = `overflow in relocation type ${type} val ${val.toString(16)}`;
    k.trace.printk('err', msg);
    k.trace.printk('err', `\`${mod.name}' likely not compiled with -mcmodel=kernel`);
    c.err = loadError(ENOEXEC, 'apply_relocate_add', msg);
    return STOP;
  }
  return NEXT;
}

/**
 * apply_relocate_add(): every entry of `relsec`, in order; the first refusal stops the section.
 * `counts` adds the entries by type name (the CLI's summary).
 */
export function apply_relocate_add(
  k: Kernel,
  mod: Module,
  info: LoadInfo,
  relsec: number,
  counts?: RelocationCounts,
): LoadError | null {
  const early = mod.state === 'UNFORMED';
  const variant = VARIANTS[k.profile.relocationWrite];
  const rel = relaSection(info, relsec);
  const c: Relocating = {
    k,
    mod,
    info,
    relsec,
    rel,
    target: info.sechdrs[rel.targetSection]!.addr,
    path: variant.path(early),
    variant,
    counts: counts ? new Uint32Array(64) : NO_COUNTS,
    err: null,
  };
  const rows = k.mem.relocationBatch ? relocationRows(c) : undefined;
  for (let i = 0; i < rel.count; ) {
    if (rows) {
      i = k.mem.applyRelocationBatch(rows, i);
      if (i === rel.count) break;
    }
    const r = write_relocate_entry(c, i++);
    if (r === STOP) break;
    if (r === RETURN) return c.err;
  }
  if (counts)
    c.counts.forEach((n, t) => n && (counts[relocationTypeName(62, t)] = (counts[relocationTypeName(62, t)] ?? 0) + n));
  if (c.path === 'text_poke') text_poke_sync(k, `after ${info.sechdrs[relsec]!.name}`);
  return c.err;
}

// entries counted when nobody asked for counts
const NO_COUNTS = new Uint32Array(64);

/** How AddressSpace.applyRelocationBatch() writes each x86-64 type it may write on its own. */
const HOW_TO = new Uint8Array(64);
HOW_TO[R_X86_64_NONE] = RELOC_SKIP;
HOW_TO[R_X86_64_64] = 8;
HOW_TO[R_X86_64_PC64] = 8 | RELOC_PCREL;
HOW_TO[R_X86_64_PC32] = 4 | RELOC_PCREL;
HOW_TO[R_X86_64_PLT32] = 4 | RELOC_PCREL;
HOW_TO[R_X86_64_32] = 4 | RELOC_FITS_U32;
HOW_TO[R_X86_64_32S] = 4 | RELOC_FITS_S32;

/** A 64-bit column as 32-bit halves, made once per column (a section is relocated once per load, its file decoded once for many). */
const halvesOf = new WeakMap<BigUint64Array | BigInt64Array, Uint32Array>();
function halves(a: BigUint64Array | BigInt64Array, n: number): Uint32Array {
  let v = halvesOf.get(a);
  if (!v || v.length < n * 2) halvesOf.set(a, (v = new Uint32Array(a.buffer, a.byteOffset, n * 2)));
  return v;
}

/** The section's entries as AddressSpace.applyRelocationBatch() takes them. */
function relocationRows(c: Relocating): RelocationRows {
  const { k, info, rel } = c;
  const sv = c.mod.symbolValues;
  const target = c.target & U64_MAX;
  return {
    count: rel.count,
    types: rel.types,
    offsets: halves(rel.offsets, rel.count),
    symbols: rel.symbols,
    addends: halves(rel.addends, rel.count),
    symbolValues: halves(sv, sv.length),
    symbolCount: sv.length,
    targetLo: Number(target & 0xffffffffn),
    targetHi: Number(target >> 32n),
    howTo: HOW_TO,
    path: c.path,
    counts: c.counts,
    relsec: c.relsec,
    relsecName: k.mem.recordWrites ? k.trace.intern(info.sechdrs[c.relsec]!.name) : -1,
    symbolName: (index) => symbolName(info, index),
    symbolIds: new Map(),
  };
}

/**
 * clear_relocate_add() → write_relocate_add(apply=false) (6.3+): undo a section's relocations
 * on a live module — each target must still hold what the relocation wrote (recomputed from the
 * symbol values the patch kept), then becomes zero.
 */
export function clear_relocate_add(k: Kernel, mod: Module, info: LoadInfo, relsec: number): void {
  const rel = relaSection(info, relsec);
  const target = info.sechdrs[rel.targetSection]!;
  const relName = info.sechdrs[relsec]!.name;
  for (let i = 0; i < rel.count; i++) {
    const type = rel.types[i]!;
    const size = type === R_X86_64_64 || type === R_X86_64_PC64 ? 8 : type === R_X86_64_NONE ? 0 : 4;
    if (!size) continue;
    const loc = (target.addr + rel.offsets[i]!) & U64_MAX;
    const S = mod.symbolValues[rel.symbols[i]!] ?? 0n;
    let val = (S + rel.addends[i]!) & U64_MAX;
    if (type === R_X86_64_PC32 || type === R_X86_64_PLT32 || type === R_X86_64_PC64) val = (val - loc) & U64_MAX;
    const expected = le(val, size as 4 | 8);
    const current = k.mem.read(loc, size);
    if (current.some((b, j) => b !== expected[j])) {
      k.trace.printk(
        'warn',
        `module: x86/modules: Invalid relocation target, existing value does not match expected value for type ${type}, loc ${ptr_to_id(loc)}, val ${val.toString(16)}`,
      );
      break;
    }
    text_poke(k, loc, new Uint8Array(size), { what: `clear ${relName}[${i}]` });
  }
  text_poke_sync(k, `after clearing ${relName}`);
}

/** module_finalize()'s lookup: any section of that name, the last one winning. */
function finalize_sec(info: LoadInfo, name: string): Shdr | undefined {
  let found: Shdr | undefined;
  for (const s of info.sechdrs) if (s.name === name) found = s;
  return found;
}

/**
 * module_finalize() (Debian 6.1.192; 6.12.118 where the profile says so): rewrite the freshly
 * relocated code for this machine — paravirt (≤ 6.7), retpolines, return thunks, alternatives,
 * ENDBR sealing, lock prefixes — and sort the ORC unwinder's tables. The order is
 * alternative_instructions()'s: paravirt first (alternatives may overwrite paravirt calls),
 * retpolines and returns before alternatives (which may rewrite those sites again). 6.12's
 * apply_fineibt() and callthunks_patch_module_calls() change nothing without FINEIBT and
 * X86_FEATURE_CALL_DEPTH, which Debian's build and the captured machines lack.
 */
export function module_finalize(k: Kernel, mod: Module, info: LoadInfo): LoadError | null {
  const p = k.profile;
  const text = finalize_sec(info, '.text');
  const alt = finalize_sec(info, '.altinstructions');
  const locks = finalize_sec(info, '.smp_locks');
  const para = p.paravirtSites ? finalize_sec(info, '.parainstructions') : undefined;
  const orc = finalize_sec(info, '.orc_unwind');
  const orc_ip = finalize_sec(info, '.orc_unwind_ip');
  const retpolines = finalize_sec(info, '.retpoline_sites');
  const returns = finalize_sec(info, '.return_sites');
  const ibt_endbr = finalize_sec(info, '.ibt_endbr_seal');
  // the range alternatives_smp_module_add() unlocks: 6.1 the `.text` section, 6.4+ all of MOD_TEXT
  const textMem = mod.mem?.MOD_TEXT;
  const unlock =
    p.smpUnlockRange === 'MOD_TEXT'
      ? textMem && { from: textMem.base, to: textMem.base + BigInt(textMem.size), what: 'MOD_TEXT' }
      : text && { from: text.addr, to: text.addr + BigInt(text.size), what: '.text' };

  if (!k.profile.finalizePatchSites) return module_finalize_54(k, mod, { text, alt, locks, para, orc, orc_ip });
  if (para) k.trace.call('apply_paravirt', () => apply_paravirt(k, mod, para));
  // its_init_mod()/its_fini_mod(): only with X86_FEATURE_INDIRECT_THUNK_ITS, which then gives
  // retpoline sites thunks in pages of their own (not emulated: no ITS machine profile yet)
  if (retpolines) k.trace.call('apply_retpolines', () => apply_retpolines(k, mod, retpolines));
  if (returns) k.trace.call('apply_returns', () => apply_returns(k, mod, returns));
  if (alt)
    k.trace.call('apply_alternatives', () =>
      p.altInstr === 'ft_flags' ? apply_alternatives_ft_flags(k, mod, alt) : apply_alternatives(k, mod, alt),
    );
  if (ibt_endbr) k.trace.call(p.endbrSeal, () => apply_ibt_endbr(k, mod, ibt_endbr, p.endbrSeal));
  if (locks && unlock)
    k.trace.call('alternatives_smp_module_add', () =>
      alternatives_smp_module_add(k, mod, locks, unlock.from, unlock.to, unlock.what),
    );
  if (orc && orc_ip) k.trace.call('unwind_module_init', () => unwind_module_init(k, mod, orc_ip, orc));
  if (!para && !retpolines && !returns && !alt && !ibt_endbr && !(locks && unlock) && !(orc && orc_ip))
    k.trace.step('module_finalize: nothing to patch (no .altinstructions, .return_sites, .smp_locks, ORC …)', {
      module: mod.name,
      file: FILE,
    });
  return null;
}

/**
 * v5.4's module_finalize(): alternatives, the lock prefixes of .text, paravirt, then
 * jump_label_apply_nops() (its NOPs are the compiler's ideal ones on x86-64: not emulated) and
 * ORC. No .retpoline_sites, .return_sites or .ibt_endbr_seal: a module built for a later kernel
 * keeps its return-thunk jumps.
 */
function module_finalize_54(
  k: Kernel,
  mod: Module,
  s: Record<'text' | 'alt' | 'locks' | 'para' | 'orc' | 'orc_ip', Shdr | undefined>,
): LoadError | null {
  if (s.alt) k.trace.call('apply_alternatives', () => apply_alternatives(k, mod, s.alt!));
  if (s.locks && s.text)
    k.trace.call('alternatives_smp_module_add', () =>
      alternatives_smp_module_add(k, mod, s.locks!, s.text!.addr, s.text!.addr + BigInt(s.text!.size), '.text'),
    );
  if (s.para) k.trace.call('apply_paravirt', () => apply_paravirt(k, mod, s.para!));
  if (s.orc && s.orc_ip) k.trace.call('unwind_module_init', () => unwind_module_init(k, mod, s.orc_ip!, s.orc!));
  if (!s.alt && !(s.locks && s.text) && !s.para && !(s.orc && s.orc_ip))
    k.trace.step('module_finalize: nothing to patch (no .altinstructions, .smp_locks, .parainstructions, ORC)', {
      module: mod.name,
      file: FILE,
    });
  return null;
}
