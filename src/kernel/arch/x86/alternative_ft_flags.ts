// apply_alternatives() of arch/x86/kernel/alternative.c as Linux 6.12.118 has it, for the
// 14-byte struct alt_instr (KernelProfile.altInstr 'ft_flags', 6.3+):
//   s32 instr_offset; s32 repl_offset; u32 ft_flags (cpuid:16, flags:16); u8 instrlen; u8 replacementlen;
// It differs from 6.1's (alternative.ts) beyond the layout: consecutive entries for one site get
// the largest instrlen (written back into the table); a site whose test says "don't patch" is
// still rewritten with its NOPs optimized; a replacement is padded with 0x90 and then run
// through text_poke_apply_relocation() (its branches and RIP-relative operands re-aimed, JMP.d32
// shortened where it fits, NOPs optimized); ALT_FLAG_DIRECT_CALL turns a pv_ops call into a
// direct one. optimize_nops() and add_nop() are 6.12's too: any run of NOP/NOPL instructions
// becomes one NOP of up to 11 bytes, or a short jump over INT3s.
import { hex } from '../../../format/hex.ts';
import type { Kernel } from '../../kernel_types.ts';
import { s32At, setS32 } from '../../lib/unaligned.ts';
import { CpuCaps } from '../../machine.ts';
import { KernelFault } from '../../mm/address_space.ts';
import { siteName } from '../../module/kallsyms.ts';
import type { Module, Shdr } from '../../module/types.ts';
import { text_gen_insn, x86_nops as x86_nops_8 } from './alternative.ts';
import { type Insn, insn_decode_kernel } from './insn.ts';
import { text_poke_early } from './text_poke.ts';

const FILE = 'arch/x86/kernel/alternative.c';
const ALT_INSTR_SIZE = 14;
const ALT_FLAG_NOT = 1 << 0;
const ALT_FLAG_DIRECT_CALL = 1 << 1;
const MAX_PATCH_LEN = 255 - 1;
const INT3 = 0xcc;
const JMP8 = 0xeb;
const JMP32 = 0xe9;
const CALL = 0xe8;

/**
 * x86_nops[] of 6.12 for x86-64 (arch/x86/include/asm/nops.h): 6.1's BYTES_NOP1..8, then
 * BYTES_NOP9..11 (ASM_NOP_MAX is 11).
 */
const x86_nops: Uint8Array[] = [
  ...x86_nops_8,
  Uint8Array.of(0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00),
  Uint8Array.of(0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00),
  Uint8Array.of(0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00),
];
const ASM_NOP_MAX = 11;

/** add_nop(): one NOP of `len` bytes, or a JMP over INT3 padding when no single NOP is that long. */
function add_nop(buf: Uint8Array, off: number, len: number): void {
  if (!len) return;
  if (len <= ASM_NOP_MAX) {
    buf.set(x86_nops[len]!, off);
    return;
  }
  const jmp = len < 128 ? text_gen_insn(JMP8, 0n, BigInt(len), 2) : text_gen_insn(JMP32, 0n, BigInt(len), 5);
  buf.set(jmp, off);
  buf.fill(INT3, off + jmp.length, off + len);
}

/** insn_is_nop(): NOP (not REP NOP, i.e. PAUSE) and NOPL, no other NOP forms. */
const insn_is_nop = (insn: Insn) =>
  (insn.opcode[0] === 0x90 && insn.prefixes[0] !== 0xf3) || (insn.opcode[0] === 0x0f && insn.opcode[1] === 0x1f);

/** Decode at buf[off] with the read-ahead the kernel's decoder may use (zeros past the buffer). */
function decodeAt(buf: Uint8Array, off: number): Insn | null {
  const window = new Uint8Array(16);
  window.set(buf.subarray(off, off + 16));
  return insn_decode_kernel(window);
}

/** skip_nops(): the offset of the first non-NOP instruction from `off`, at most `len`. */
function skip_nops(buf: Uint8Array, off: number, len: number): number {
  while (off < len) {
    const insn = decodeAt(buf, off);
    if (!insn || !insn_is_nop(insn)) break;
    off += insn.length;
  }
  return off;
}

/** optimize_nops() (6.12) on buf[0, len). */
function optimize_nops(buf: Uint8Array, len: number): void {
  for (let i = 0, next: number; i < len; i = next) {
    const insn = decodeAt(buf, i);
    if (!insn) return;
    next = i + insn.length;
    if (insn_is_nop(insn)) {
      const nop = i;
      if (i + insn.length === len) return; // the NOP has been optimized already
      next = skip_nops(buf, next, len);
      add_nop(buf, nop, next - nop);
    }
  }
}

/** need_reloc(): a branch target outside the replacement block moves with the copy. */
const need_reloc = (offset: number, repl_len: number) => offset < 0 || offset > repl_len;

/** apply_reloc(n, ptr, diff): the n-byte displacement at buf[off] plus diff, in s32 (BUG_ON if it no longer fits). */
function apply_reloc(buf: Uint8Array, off: number, n: number, diff: bigint, at: bigint): void {
  const dv = new DataView(buf.buffer, buf.byteOffset + off, n);
  const old = n === 1 ? dv.getInt8(0) : n === 2 ? dv.getInt16(0, true) : dv.getInt32(0, true);
  const v = BigInt.asIntN(32, BigInt(old) + diff);
  if (BigInt.asIntN(n * 8, v) !== v)
    throw new KernelFault(at, [`kernel BUG at arch/x86/kernel/alternative.c: apply_reloc(${n}) at ${hex(at, 16)}`]);
  if (n === 1) dv.setInt8(0, Number(v));
  else if (n === 2) dv.setInt16(0, Number(v), true);
  else dv.setInt32(0, Number(v), true);
}

/**
 * __apply_relocation() + optimize_nops() = text_poke_apply_relocation(): the replacement was
 * assembled at `repl`; copied to `instr`, every relative branch and RIP-relative operand that
 * points outside the block gets `repl - instr` added, and a JMP.d32 becomes a JMP.d8 where the
 * new displacement fits.
 */
function text_poke_apply_relocation(buf: Uint8Array, instr: bigint, instrlen: number, repl: bigint, repl_len: number) {
  const diff = repl - instr;
  for (let i = 0, next: number; i < instrlen; i = next) {
    const insn = decodeAt(buf, i);
    if (!insn) break; // WARN_ON_ONCE
    next = i + insn.length;
    const op = insn.opcode[0]!;
    const jcc32 = op === 0x0f && insn.opcode[1]! >= 0x80 && insn.opcode[1]! <= 0x8f;
    if (jcc32 || (op >= 0x70 && op <= 0x7f) || op === JMP8 || op === JMP32 || op === CALL) {
      const nbytes = jcc32 || op === JMP32 || op === CALL ? (insn.prefixes.includes(0x66) && !jcc32 ? 2 : 4) : 1;
      if (need_reloc(next + insn.immediate, repl_len)) apply_reloc(buf, next - nbytes, nbytes, diff, instr + BigInt(i));
      if (op === JMP32) {
        // where possible, JMP.d32 becomes JMP.d8 (from the decoded immediate, as the kernel computes it)
        const imm = BigInt.asIntN(32, BigInt(insn.immediate) + diff + 3n);
        if (BigInt.asIntN(8, imm) === imm) {
          buf[i] = JMP8;
          buf[i + 1] = Number(imm) & 0xff;
          buf.fill(INT3, i + 2, i + insn.length);
        }
      }
    }
    // insn_rip_relative(): ModRM mod 00, r/m 101 — a disp32 right after the ModRM byte
    if (insn.modrm >= 0 && (buf[i + insn.modrm]! & 0xc7) === 0x05) {
      const disp = s32At(buf, i + insn.modrm + 1);
      if (need_reloc(next + disp, repl_len)) apply_reloc(buf, i + insn.modrm + 1, 4, diff, instr + BigInt(i));
    }
  }
  optimize_nops(buf, instrlen);
}

/**
 * alt_replace_call(): an ALT_FLAG_DIRECT_CALL entry (a pv_ops call, 6.8+) turns the original
 * `call *disp(%rip)` into a direct `call` to what that pv_ops slot holds — the replacement is a
 * `call BUG_func` whose displacement moves by (target - BUG_func) — or into NOPs when the slot
 * holds nop_func. The slots are the machine's (MachineProfile.pvOps: vmlinux data no kallsyms
 * dump shows); a machine without them leaves the entry as built. Returns the bytes of call, or
 * undefined to skip the entry.
 */
function alt_replace_call(
  k: Kernel,
  mod: Module,
  instr: bigint,
  replacement: bigint,
  buf: Uint8Array,
  instrlen: number,
  replacementlen: number,
): number | undefined {
  const bug = (what: string) =>
    new KernelFault(instr, [`ALT_FLAG_DIRECT_CALL set for ${what}`, 'kernel BUG at arch/x86/kernel/alternative.c']);
  if (replacementlen !== 5 || buf[0] !== CALL) throw bug('a non-call replacement instruction');
  const orig = k.mem.read(instr, 6);
  if (instrlen !== 6 || orig[0] !== 0xff || orig[1] !== 0x15) throw bug('unrecognized indirect call');
  const slot = instr + 6n + BigInt(s32At(orig, 2));
  const pv = k.machine.pvOps;
  const i = pv ? Number(slot - pv.address) / 8 : -1;
  if (!pv || !Number.isInteger(i) || i < 0 || i >= pv.slots.length) {
    k.trace.step(`alt_replace_call: ${hex(slot, 16)} is no pv_ops slot this machine records; entry left as built`, {
      module: mod.name,
      file: FILE,
      fn: 'alt_replace_call',
    });
    return undefined;
  }
  // (BUG_func - .) + (target - BUG_func) := target - .; a NULL slot calls BUG_func itself. BUG_func
  // is where the replacement's call was relocated to.
  const target = pv.slots[i]!;
  const bugFunc = replacement + 5n + BigInt(s32At(buf, 1));
  if (target) setS32(buf, 1, Number(BigInt.asIntN(32, BigInt(s32At(buf, 1)) + target - bugFunc)));
  return target === pv.nopFunc ? 0 : 5;
}

/** apply_alternatives() (6.12) over one module's `.altinstructions`. */
export function apply_alternatives(k: Kernel, mod: Module, sec: Shdr): void {
  const step = k.trace.step('apply_alternatives', { module: mod.name, file: FILE, fn: 'apply_alternatives' });
  const n = Math.floor(sec.size / ALT_INSTR_SIZE);
  const table = k.mem.read(sec.addr, n * ALT_INSTR_SIZE);
  const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const instr_va = (i: number) => sec.addr + BigInt(i * ALT_INSTR_SIZE) + BigInt(dv.getInt32(i * ALT_INSTR_SIZE, true));
  const applied: string[] = [];
  let rewritten = 0;
  for (let a = 0; a < n; a++) {
    const off = a * ALT_INSTR_SIZE;
    // nested ALTERNATIVE()s: every entry of one site gets the largest instrlen, in the table too
    for (let b = a + 1; b < n && instr_va(b) === instr_va(a); b++) {
      const len = Math.max(table[off + 12]!, table[b * ALT_INSTR_SIZE + 12]!);
      for (const e of [off, b * ALT_INSTR_SIZE])
        if (table[e + 12] !== len) {
          table[e + 12] = len;
          k.mem.write(sec.addr + BigInt(e + 12), Uint8Array.of(len), 'memcpy', {
            what: `alt_instr[${e / ALT_INSTR_SIZE}].instrlen = ${len} (nested alternative)`,
          });
        }
    }
    const instr = instr_va(a);
    const replacement = sec.addr + BigInt(off + 4) + BigInt(dv.getInt32(off + 4, true));
    const cpuid = dv.getUint16(off + 8, true);
    const flags = dv.getUint16(off + 10, true);
    const instrlen = table[off + 12]!;
    const replacementlen = table[off + 13]!;
    const name = `${flags & ALT_FLAG_NOT ? '!' : ''}${CpuCaps.nameOf(cpuid)}`;
    const where = siteName(k, instr);

    if (!k.cpu.has(cpuid) === !(flags & ALT_FLAG_NOT)) {
      // not patched: the original bytes, their NOPs optimized
      const buf = k.mem.read(instr, instrlen);
      const before = buf.slice();
      optimize_nops(buf, instrlen);
      if (buf.some((b, i) => b !== before[i])) {
        text_poke_early(k, instr, buf, { what: `alternative site ${where}: NOPs optimized` });
        rewritten++;
      }
      continue;
    }

    const buf = new Uint8Array(MAX_PATCH_LEN);
    buf.set(k.mem.read(replacement, replacementlen));
    let size: number = replacementlen;
    if (flags & ALT_FLAG_DIRECT_CALL) {
      const r = alt_replace_call(k, mod, instr, replacement, buf, instrlen, replacementlen);
      if (r === undefined) continue;
      size = r;
    }
    for (; size < instrlen; size++) buf[size] = 0x90;
    text_poke_apply_relocation(buf, instr, instrlen, replacement, replacementlen);
    text_poke_early(k, instr, buf.slice(0, size), { what: `alternative ${name} at ${where}` });
    applied.push(name);
  }
  const counts = new Map<string, number>();
  for (const a of applied) counts.set(a, (counts.get(a) ?? 0) + 1);
  const list = [...counts].map(([f, c]) => (c > 1 ? `${f}×${c}` : f)).join(', ');
  step.title = `apply_alternatives: ${applied.length} of ${n} patched for this CPU${list ? ` (${list})` : ''}${rewritten ? `, ${rewritten} unpatched sites' NOPs optimized` : ''}`;
}
