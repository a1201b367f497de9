// The patchers module_finalize() runs over a module's freshly relocated code
// (arch/x86/kernel/alternative.c, Debian 6.1.192): each reads a table the build left in the
// module (.parainstructions, .retpoline_sites, .return_sites, .altinstructions,
// .ibt_endbr_seal, .smp_locks) and rewrites the code it points at for the machine that is
// running, so the bytes in memory depend on the CPU and the boot choices, not only the file.

import { kernel_text_address } from '../../extable.ts';
import type { Kernel } from '../../kernel_types.ts';
import { s32At, setS32 } from '../../lib/unaligned.ts';
import { CpuCaps, X86_FEATURE } from '../../machine.ts';
import { siteName, symbolic } from '../../module/kallsyms.ts';
import { vmlinuxSymbol } from '../../module/symbols.ts';
import type { Module, Shdr } from '../../module/types.ts';
import { type Insn, insn_decode_kernel } from './insn.ts';
import { text_poke, text_poke_early } from './text_poke.ts';

const FILE = 'arch/x86/kernel/alternative.c';

/** x86_nops[] for x86-64 (arch/x86/include/asm/nops.h): the recommended NOP of each length 1..8. */
export const x86_nops: Uint8Array[] = [
  new Uint8Array(0),
  Uint8Array.of(0x90),
  Uint8Array.of(0x66, 0x90),
  Uint8Array.of(0x0f, 0x1f, 0x00),
  Uint8Array.of(0x0f, 0x1f, 0x40, 0x00),
  Uint8Array.of(0x0f, 0x1f, 0x44, 0x00, 0x00),
  Uint8Array.of(0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00),
  Uint8Array.of(0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00),
  Uint8Array.of(0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00),
];
const ASM_NOP_MAX = 8;
const INT3 = 0xcc;
const RET = 0xc3;
const CALL = 0xe8;
const JMP32 = 0xe9;

/** add_nops(): fill len bytes at buf[off] with the longest NOPs. */
function add_nops(buf: Uint8Array, off: number, len: number): void {
  while (len > 0) {
    const n = Math.min(len, ASM_NOP_MAX);
    buf.set(x86_nops[n]!, off);
    off += n;
    len -= n;
  }
}

/** optimize_nops() on a buffer holding the instruction(s) plus read-ahead: runs of 0x90 become long NOPs. */
function optimize_nops(buf: Uint8Array, len: number): void {
  let i = 0;
  for (;;) {
    const insn = insn_decode_kernel(buf.subarray(i));
    if (!insn) return;
    if (insn.length === 1 && insn.opcode[0] === 0x90) {
      // optimize_nops_range()
      let j = i;
      while (j < len && buf[j] === 0x90) j++;
      const nnops = j - i;
      if (nnops > 1) add_nops(buf, i, nnops);
      i += nnops;
    } else i += insn.length;
    if (i >= len) return;
  }
}

/** optimize_nops() on module text in place (a plain store: the module is not formed yet). */
function optimize_nops_at(k: Kernel, addr: bigint, len: number, what: string): boolean {
  const buf = k.mem.readAhead(addr, len + 15);
  const before = buf.slice(0, len);
  optimize_nops(buf, len);
  let first = 0;
  while (first < len && buf[first] === before[first]) first++;
  if (first === len) return false;
  let last = len;
  while (buf[last - 1] === before[last - 1]) last--;
  k.mem.write(addr + BigInt(first), buf.slice(first, last), 'memcpy', { what: `optimize_nops: ${what}` });
  return true;
}

const decodeAt = (k: Kernel, addr: bigint): Insn | null => insn_decode_kernel(k.mem.readAhead(addr, 15));

/** Entries of an s32 table: each entry's target is the entry's own address plus its value. */
function relTable(k: Kernel, sec: Shdr): bigint[] {
  const buf = k.mem.read(sec.addr, sec.size);
  const out: bigint[] = [];
  for (let off = 0; off + 4 <= sec.size; off += 4) out.push(sec.addr + BigInt(off) + BigInt(s32At(buf, off)));
  return out;
}

/** __text_gen_insn(): a 5-byte CALL/JMP from addr to dest. */
export function text_gen_insn(op: number, addr: bigint, dest: bigint, size = 5): Uint8Array {
  const b = new Uint8Array(size);
  b[0] = op;
  if (size === 2) b[1] = Number(BigInt.asIntN(8, dest - (addr + 2n)) & 0xffn);
  else setS32(b, 1, Number(BigInt.asIntN(32, dest - (addr + 5n))));
  return b;
}

/**
 * apply_paravirt() (6.1): each site becomes what pv_ops[type] names — a direct call, or nothing
 * for _paravirt_nop. pv_ops is run-time data no kallsyms dump shows, so a site is reported
 * and left as the build made it; on a native machine the !XENPV alternatives that wrap these
 * sites replace them anyway.
 */
export function apply_paravirt(k: Kernel, mod: Module, sec: Shdr): void {
  const n = Math.floor(sec.size / 16); // struct paravirt_patch_site { u8 *instr; u8 type; u8 len; }
  const step = k.trace.step(`apply_paravirt: ${n} paravirt sites`, {
    module: mod.name,
    file: FILE,
    fn: 'apply_paravirt',
  });
  if (n)
    step.title = `apply_paravirt: ${n} paravirt sites left as built (pv_ops contents are not known to the emulator)`;
}

/**
 * apply_retpolines() (6.1): `call/jmp __x86_indirect_thunk_<reg>` sites. With spectre_v2 in
 * "Retpolines" mode patch_retpoline() declines (the thunks are the mitigation) and the site
 * stays; otherwise it becomes the bare indirect branch (plus LFENCE in LFENCE mode).
 */
export function apply_retpolines(k: Kernel, mod: Module, sec: Shdr): void {
  const step = k.trace.step('apply_retpolines', { module: mod.name, file: FILE, fn: 'apply_retpolines' });
  const thunks = k.vmlinux.addressOf('__x86_indirect_thunk_array');
  const sites = relTable(k, sec);
  let patched = 0;
  let declined = 0;
  for (const addr of sites) {
    const insn = decodeAt(k, addr);
    if (!insn) continue; // WARN_ON_ONCE
    const [op1, op2] = insn.opcode;
    if (!(op1 === CALL || op1 === JMP32 || (op1 === 0x0f && op2! >= 0x80 && op2! <= 0x8f))) continue;
    const bytes = patch_retpoline(k, addr, insn, thunks);
    if (!bytes) {
      declined++;
      continue;
    }
    if (bytes.length === insn.length) {
      const buf = new Uint8Array(bytes.length + 15);
      buf.set(bytes);
      optimize_nops(buf, bytes.length);
      text_poke_early(k, addr, buf.slice(0, bytes.length), {
        what: `retpoline → indirect branch at ${siteName(k, addr)}`,
      });
      patched++;
    }
  }
  step.title =
    patched > 0
      ? `apply_retpolines: ${patched} retpoline thunk calls become indirect branches`
      : `apply_retpolines: ${sites.length} retpoline sites left unchanged (spectre_v2: ${k.machine.spectreV2})`;
  void declined;
}

function patch_retpoline(k: Kernel, addr: bigint, insn: Insn, thunks: bigint | undefined): Uint8Array | null {
  if (thunks === undefined) return null;
  const target = addr + BigInt(insn.length) + BigInt(insn.immediate);
  const reg = Number(target - thunks) / 32;
  if (!Number.isInteger(reg) || reg < 0 || reg > 15 || reg === 4) return null;
  const cpu = k.cpu;
  if (cpu.has(X86_FEATURE('RETPOLINE')) && !cpu.has(X86_FEATURE('RETPOLINE_LFENCE'))) return null;
  const bytes: number[] = [];
  let op = insn.opcode[0]!;
  if (op === 0x0f) {
    const cc = (insn.opcode[1]! & 0xf) ^ 1;
    bytes.push(0x70 + cc, insn.length - 2);
    op = JMP32;
  }
  if (cpu.has(X86_FEATURE('RETPOLINE_LFENCE'))) bytes.push(0x0f, 0xae, 0xe8);
  if (cpu.has(X86_FEATURE('INDIRECT_THUNK_ITS')) && !((addr + BigInt(bytes.length) + 1n + BigInt(reg >> 3)) & 0x20n))
    return null; // ITS thunk pages: not emulated
  // emit_indirect()
  let r = reg;
  if (r >= 8) {
    bytes.push(0x41);
    r -= 8;
  }
  bytes.push(0xff, 0xc0 + (op === CALL ? 0x10 : 0x20) + r);
  if (op === JMP32 && bytes.length < insn.length) bytes.push(INT3);
  while (bytes.length < insn.length) bytes.push(0x90);
  return Uint8Array.from(bytes);
}

/** cpu_wants_rethunk_at() */
export function cpu_wants_rethunk_at(k: Kernel, addr: bigint): boolean {
  if (!k.cpu.has(X86_FEATURE('RETHUNK'))) return false;
  if (k.machine.returnThunk !== 'its_return_thunk') return true;
  return !(addr & 0x20n);
}

/** The x86_return_thunk the mitigations chose (its kallsyms address). */
export function x86_return_thunk(k: Kernel): bigint | undefined {
  const name = k.machine.returnThunk === 'none' ? '__x86_return_thunk' : k.machine.returnThunk;
  return vmlinuxSymbol(k, name);
}

const tramp_ud = [0x0f, 0xb9, 0xcc];

/**
 * apply_returns() (6.1): every `jmp __x86_return_thunk` the compiler emitted for a `ret`. A CPU
 * that needs no return thunk gets the plain `ret` back, padded with INT3; one that does gets a
 * jump to the thunk the mitigation chose. A site that is a static-call trampoline (followed by
 * the `ud1 %esp,%ecx` signature) is left to __static_call_fixup().
 */
export function apply_returns(k: Kernel, mod: Module, sec: Shdr): void {
  const step = k.trace.step('apply_returns', { module: mod.name, file: FILE, fn: 'apply_returns' });
  const thunk = vmlinuxSymbol(k, '__x86_return_thunk');
  const sites = relTable(k, sec);
  let toRet = 0;
  let toThunk = 0;
  let trampolines = 0;
  let warned = 0;
  for (const addr of sites) {
    const insn = decodeAt(k, addr);
    if (!insn) continue;
    const op = insn.opcode[0]!;
    const dest = op === JMP32 ? addr + BigInt(insn.length) + BigInt(insn.immediate) : undefined;
    if (__static_call_fixup(k, addr, op, dest, thunk)) {
      trampolines++;
      continue;
    }
    if (dest === undefined || dest !== thunk) {
      k.trace.printk(
        'warn',
        `missing return thunk: ${symbolic(k, addr)}-${dest === undefined ? '0x0' : symbolic(k, dest)}`,
      );
      warned++;
      continue;
    }
    // patch_return()
    let bytes: Uint8Array;
    if (cpu_wants_rethunk_at(k, addr)) {
      bytes = new Uint8Array(insn.length).fill(INT3);
      bytes.set(text_gen_insn(JMP32, addr, x86_return_thunk(k) ?? thunk));
      toThunk++;
    } else {
      bytes = new Uint8Array(insn.length).fill(INT3);
      bytes[0] = RET;
      toRet++;
    }
    text_poke_early(k, addr, bytes, {
      what: `return thunk → ${bytes[0] === RET ? 'ret; int3' : 'jmp thunk'} at ${siteName(k, addr)}`,
    });
  }
  const parts = [];
  if (toRet) parts.push(`${toRet} return-thunk jumps become ret; int3`);
  if (toThunk) parts.push(`${toThunk} return-thunk jumps go to ${k.machine.returnThunk}`);
  if (trampolines) parts.push(`${trampolines} static-call trampolines fixed up`);
  if (warned) parts.push(`${warned} not a return-thunk jump`);
  step.title = `apply_returns: ${parts.join(', ') || 'no return sites'}`;
}

/** __static_call_fixup() (arch/x86/kernel/static_call.c 6.1): a return site that is a NULL static-call trampoline. */
function __static_call_fixup(
  k: Kernel,
  tramp: bigint,
  op: number,
  dest: bigint | undefined,
  thunk: bigint | undefined,
): boolean {
  if (tramp >> 12n !== (tramp + 7n) >> 12n && !kernel_text_address(k, tramp + 7n)) return false;
  const sig = k.mem.readAhead(tramp + 5n, 3);
  if (sig.length < 3 || sig.some((b, i) => b !== tramp_ud[i])) return false;
  if (op === RET || (dest !== undefined && dest === thunk)) {
    // __static_call_transform(tramp, RET, NULL, true)
    const code = cpu_wants_rethunk_at(k, tramp)
      ? text_gen_insn(JMP32, tramp, x86_return_thunk(k) ?? thunk!)
      : Uint8Array.of(RET, INT3, INT3, INT3, INT3);
    const cur = k.mem.read(tramp, 5);
    if (cur.some((b, i) => b !== code[i]))
      text_poke_early(k, tramp, code, { what: `static-call trampoline ${symbolic(k, tramp)} → ret` });
  }
  return true;
}

/** struct alt_instr (6.1): s32 instr_offset, s32 repl_offset, u16 cpuid, u8 instrlen, u8 replacementlen. */
const ALT_INSTR_SIZE = 12;
const ALTINSTR_FLAG_INV = 1 << 15;

/**
 * apply_alternatives() (6.1): for each entry whose feature test holds on this CPU (or fails,
 * for a NOT entry) the replacement is copied over the original, a CALL's displacement and a
 * JMP's (recompute_jump) re-aimed from the replacement's address, and the rest padded with
 * NOPs; every entry, patched or not, then gets its runs of one-byte NOPs merged.
 */
export function apply_alternatives(k: Kernel, mod: Module, sec: Shdr): void {
  const step = k.trace.step('apply_alternatives', { module: mod.name, file: FILE, fn: 'apply_alternatives' });
  const table = k.mem.read(sec.addr, sec.size);
  const dv = new DataView(table.buffer, table.byteOffset);
  const n = Math.floor(sec.size / ALT_INSTR_SIZE);
  const applied: string[] = [];
  let optimized = 0;
  for (let i = 0; i < n; i++) {
    const off = i * ALT_INSTR_SIZE;
    const instr = sec.addr + BigInt(off) + BigInt(dv.getInt32(off, true));
    const replacement = sec.addr + BigInt(off + 4) + BigInt(dv.getInt32(off + 4, true));
    const cpuid = dv.getUint16(off + 8, true);
    const instrlen = dv.getUint8(off + 10);
    const replacementlen = dv.getUint8(off + 11);
    const feature = cpuid & ~ALTINSTR_FLAG_INV;
    const inv = (cpuid & ALTINSTR_FLAG_INV) !== 0;
    const name = `${inv ? '!' : ''}${CpuCaps.nameOf(feature)}`;
    if (!k.cpu.has(feature) !== !inv) {
      const buf = new Uint8Array(Math.max(instrlen, replacementlen));
      const repl = replacementlen ? k.mem.read(replacement, replacementlen) : new Uint8Array(0);
      buf.set(repl);
      if (replacementlen === 5 && buf[0] === CALL) {
        setS32(buf, 1, Number(BigInt.asIntN(32, BigInt(s32At(buf, 1)) + (replacement - instr))));
      }
      if (replacementlen && (repl[0] === 0xeb || repl[0] === JMP32))
        recompute_jump(replacementlen, instr, replacement, buf);
      buf.fill(0x90, replacementlen, instrlen);
      const len = Math.max(replacementlen, instrlen);
      text_poke_early(k, instr, buf.subarray(0, len), { what: `alternative ${name} at ${siteName(k, instr)}` });
      applied.push(name);
    }
    if (optimize_nops_at(k, instr, instrlen, `alternative site ${siteName(k, instr)}`)) optimized++;
  }
  const counts = new Map<string, number>();
  for (const a of applied) counts.set(a, (counts.get(a) ?? 0) + 1);
  const list = [...counts].map(([f, c]) => (c > 1 ? `${f}×${c}` : f)).join(', ');
  step.title = `apply_alternatives: ${applied.length} of ${n} patched for this CPU${list ? ` (${list})` : ''}${optimized ? `, ${optimized} NOP runs merged` : ''}`;
}

/** recompute_jump(): a 5-byte JMP replacement re-aimed from the original site, shortened to JMP8 when it reaches. */
function recompute_jump(replacementlen: number, orig: bigint, repl: bigint, buf: Uint8Array): void {
  if (replacementlen !== 5) return;
  const o_dspl = s32At(buf, 1);
  const tgt = repl + 5n + BigInt(o_dspl);
  let n_dspl = Number(BigInt.asIntN(32, tgt - orig));
  let two: boolean;
  if (tgt - orig >= 0n) two = n_dspl - 2 <= 127;
  else two = ((n_dspl - 2) & 0xff) === n_dspl - 2;
  if (two) {
    n_dspl -= 2;
    buf[0] = 0xeb;
    buf[1] = n_dspl & 0xff;
    add_nops(buf, 2, 3);
  } else {
    n_dspl -= 5;
    buf[0] = JMP32;
    setS32(buf, 1, n_dspl | 0);
  }
}

/**
 * apply_ibt_endbr() (6.1) / apply_seal_endbr() (6.2+), CONFIG_X86_KERNEL_IBT: the ENDBR64 of
 * every function nothing calls indirectly becomes a 4-byte NOP (osp nopl (%rax)) so it cannot
 * be a branch target. Neither looks at the CPU's IBT feature (poison_endbr() in 6.12).
 */
export function apply_ibt_endbr(
  k: Kernel,
  mod: Module,
  sec: Shdr,
  fn: 'apply_ibt_endbr' | 'apply_seal_endbr' = 'apply_ibt_endbr',
): void {
  const step = k.trace.step(fn, { module: mod.name, file: FILE, fn });
  const poison = Uint8Array.of(0x66, 0x0f, 0x1f, 0x00);
  let n = 0;
  for (const addr of relTable(k, sec)) {
    const endbr = k.mem.read(addr, 4);
    const isEndbr =
      (endbr[0] === 0xf3 && endbr[1] === 0x0f && endbr[2] === 0x1e && endbr[3] === 0xfa) ||
      endbr.every((b, i) => b === poison[i]);
    if (!isEndbr) continue;
    text_poke_early(k, addr, poison, { what: `ENDBR sealed at ${siteName(k, addr)}` });
    n++;
  }
  step.title = `${fn}: ${n} ENDBR instructions sealed`;
}

/**
 * alternatives_smp_module_add(): a kernel that patched itself for one CPU at boot
 * (uniproc_patched) turns the module's `lock` prefixes in [text, text_end) into harmless DS
 * prefixes — 6.1 passes the `.text` section, 6.4+ the whole MOD_TEXT allocation
 * (KernelProfile.smpUnlockRange); with more possible CPUs it also remembers the module to put
 * them back if CPUs come up.
 */
export function alternatives_smp_module_add(
  k: Kernel,
  mod: Module,
  locks: Shdr,
  text: bigint,
  text_end: bigint,
  range: string,
): void {
  const step = k.trace.step('alternatives_smp_module_add', {
    module: mod.name,
    file: FILE,
    fn: 'alternatives_smp_module_add',
  });
  const m = k.machine;
  const uniproc_patched = !m.noreplaceSmp && m.presentCpus === 1;
  const sites = Math.floor(locks.size / 4);
  if (!uniproc_patched) {
    step.title = `alternatives_smp_module_add: ${sites} lock prefixes kept (${m.presentCpus} CPUs)`;
    return;
  }
  // alternatives_smp_unlock()
  const buf = k.mem.read(locks.addr, locks.size);
  let n = 0;
  for (let off = 0; off + 4 <= locks.size; off += 4) {
    const rel = s32At(buf, off);
    const ptr = locks.addr + BigInt(off) + BigInt(rel);
    if (!rel || ptr < text || ptr >= text_end) continue;
    if (k.mem.read(ptr, 1)[0] === 0xf0) {
      text_poke(k, ptr, Uint8Array.of(0x3e), { what: `lock → ds at ${symbolic(k, ptr)}` });
      n++;
    }
  }
  step.title = `alternatives_smp_module_add: ${n} lock prefixes in ${range} become DS prefixes (one CPU${m.possibleCpus === 1 ? '' : ', module remembered for CPU hotplug'})`;
}
