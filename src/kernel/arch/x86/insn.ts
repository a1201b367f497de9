// insn_decode_kernel() of arch/x86/lib/insn.c (6.1), reduced to what its callers in the
// patching code read: the instruction's length, its opcode bytes, a relative branch's
// immediate and where the ModRM byte is (6.12's text_poke_apply_relocation() re-aims
// RIP-relative operands). The loader's patchers (optimize_nops, apply_returns, apply_retpolines, the
// jump-label and static-call poking) only need to step over real x86-64 instructions, so
// this is a length decoder driven by the opcode maps, not a disassembler.

export interface Insn {
  length: number;
  /** Opcode bytes after prefixes (and REX/VEX): [op] or [0x0f, op] or [0x0f, 0x38|0x3a, op]. */
  opcode: number[];
  /** Immediate (sign-extended) of the instruction, e.g. a call's rel32. */
  immediate: number;
  prefixes: number[];
  /** Offset of the ModRM byte, -1 without one (a RIP-relative operand's disp32 follows it). */
  modrm: number;
}

const LEGACY_PREFIX = new Set([0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x67]);

// One-byte map: does the opcode take a ModRM byte, and what immediate follows.
// imm codes: 0 none, 1 imm8, 2 imm16, 4 imm32, 'z' imm16/32 by operand size, 'v' imm16/32/64
// (mov reg, imm), 'a' moffs (address size), 'e' enter (imm16+imm8), 'g' group 3 (F6/F7).
type Imm = 0 | 1 | 2 | 4 | 'z' | 'v' | 'a' | 'e' | 'g';
const INVALID_64 = new Set([
  0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61, 0x82, 0x9a, 0xce, 0xd4, 0xd5, 0xd6,
  0xea,
]);

function oneByte(op: number): { modrm: boolean; imm: Imm } {
  if (op < 0x40) {
    const lo = op & 7;
    if (lo < 4) return { modrm: true, imm: 0 };
    if (lo === 4) return { modrm: false, imm: 1 };
    if (lo === 5) return { modrm: false, imm: 'z' };
    return { modrm: false, imm: 0 };
  }
  if (op >= 0x50 && op <= 0x5f) return { modrm: false, imm: 0 };
  if (op >= 0x70 && op <= 0x7f) return { modrm: false, imm: 1 };
  if (op >= 0x84 && op <= 0x8f) return { modrm: true, imm: 0 };
  if (op >= 0x90 && op <= 0x9f) return { modrm: false, imm: 0 };
  if (op >= 0xa0 && op <= 0xa3) return { modrm: false, imm: 'a' };
  if (op >= 0xb0 && op <= 0xb7) return { modrm: false, imm: 1 };
  if (op >= 0xb8 && op <= 0xbf) return { modrm: false, imm: 'v' };
  if (op >= 0xd8 && op <= 0xdf) return { modrm: true, imm: 0 };
  if (op >= 0xe0 && op <= 0xe7) return { modrm: false, imm: 1 };
  switch (op) {
    case 0x63:
      return { modrm: true, imm: 0 };
    case 0x68:
      return { modrm: false, imm: 'z' };
    case 0x69:
      return { modrm: true, imm: 'z' };
    case 0x6a:
      return { modrm: false, imm: 1 };
    case 0x6b:
      return { modrm: true, imm: 1 };
    case 0x80:
    case 0x83:
    case 0xc0:
    case 0xc1:
    case 0xc6:
      return { modrm: true, imm: 1 };
    case 0x81:
    case 0xc7:
      return { modrm: true, imm: 'z' };
    case 0xa8:
      return { modrm: false, imm: 1 };
    case 0xa9:
      return { modrm: false, imm: 'z' };
    case 0xc2:
    case 0xca:
      return { modrm: false, imm: 2 };
    case 0xc8:
      return { modrm: false, imm: 'e' };
    case 0xcd:
      return { modrm: false, imm: 1 };
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3:
      return { modrm: true, imm: 0 };
    case 0xe8:
    case 0xe9:
      return { modrm: false, imm: 4 };
    case 0xeb:
      return { modrm: false, imm: 1 };
    case 0xf6:
    case 0xf7:
      return { modrm: true, imm: 'g' };
    case 0xfe:
    case 0xff:
      return { modrm: true, imm: 0 };
  }
  return { modrm: false, imm: 0 };
}

// Two-byte map (0F xx): the opcodes without ModRM, and those with an imm8 or rel32.
const TWO_NO_MODRM = new Set([
  0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0e, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x37, 0x77, 0xa0, 0xa1, 0xa2, 0xa8,
  0xa9, 0xaa,
]);
const TWO_IMM8 = new Set([0x0f, 0x70, 0x71, 0x72, 0x73, 0xa4, 0xac, 0xba, 0xc2, 0xc4, 0xc5, 0xc6]);

function modrmLength(bytes: Uint8Array, at: number, addr32: boolean): number {
  void addr32; // 32-bit addressing in long mode has the same ModRM/SIB shape
  const modrm = bytes[at];
  if (modrm === undefined) return -1;
  const mod = modrm >> 6;
  const rm = modrm & 7;
  let n = 1;
  if (mod === 3) return n;
  if (rm === 4) {
    const sib = bytes[at + 1];
    if (sib === undefined) return -1;
    n++;
    if (mod === 0 && (sib & 7) === 5) n += 4;
  } else if (mod === 0 && rm === 5) n += 4;
  if (mod === 1) n += 1;
  if (mod === 2) n += 4;
  return n;
}

function readImm(bytes: Uint8Array, at: number, size: number): number | undefined {
  if (at + size > bytes.length) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, size);
  if (size === 1) return dv.getInt8(0);
  if (size === 2) return dv.getInt16(0, true);
  if (size === 4) return dv.getInt32(0, true);
  return Number(dv.getBigInt64(0, true));
}

/** Decode one instruction at bytes[0]; null where the kernel's decoder would fail (-EINVAL). */
export function insn_decode_kernel(bytes: Uint8Array): Insn | null {
  let i = 0;
  const prefixes: number[] = [];
  while (i < bytes.length && LEGACY_PREFIX.has(bytes[i]!)) prefixes.push(bytes[i++]!);
  const opsize16 = prefixes.includes(0x66);
  const addr32 = prefixes.includes(0x67);
  let rexW = false;
  if (i < bytes.length && (bytes[i]! & 0xf0) === 0x40) rexW = (bytes[i++]! & 8) !== 0;
  if (i >= bytes.length) return null;
  const op = bytes[i]!;

  // VEX (C4/C5), EVEX (62), XOP (8F with reg != 0): opcode map from the payload, ModRM follows.
  if (op === 0xc4 || op === 0xc5 || op === 0x62 || (op === 0x8f && ((bytes[i + 1] ?? 0) & 0x38) !== 0)) {
    let map: number;
    if (op === 0xc5) {
      map = 1;
      i += 2;
    } else if (op === 0x62) {
      map = bytes[i + 1]! & 7;
      i += 4;
    } else {
      map = bytes[i + 1]! & 0x1f;
      i += 3;
    }
    const vop = bytes[i];
    if (vop === undefined) return null;
    i++;
    const noModrm = map === 1 && vop === 0x77; // vzeroupper/vzeroall
    const modrm = noModrm ? -1 : i;
    if (!noModrm) {
      const m = modrmLength(bytes, i, addr32);
      if (m < 0) return null;
      i += m;
    }
    const imm8 = op === 0x8f ? map === 8 : map === 3 || (map === 1 && TWO_IMM8.has(vop) && vop !== 0x0f);
    let immediate = 0;
    if (imm8) {
      const v = readImm(bytes, i, 1);
      if (v === undefined) return null;
      immediate = v;
      i += 1;
    }
    if (op === 0x8f && map === 0xa) {
      const v = readImm(bytes, i, 4);
      if (v === undefined) return null;
      immediate = v;
      i += 4;
    }
    return i > 15 ? null : { length: i, opcode: [op, vop], immediate, prefixes, modrm };
  }

  if (op === 0x0f) {
    const op2 = bytes[i + 1];
    if (op2 === undefined) return null;
    if (op2 === 0x38 || op2 === 0x3a) {
      const op3 = bytes[i + 2];
      if (op3 === undefined) return null;
      i += 3;
      const modrm = i;
      const m = modrmLength(bytes, i, addr32);
      if (m < 0) return null;
      i += m;
      let immediate = 0;
      if (op2 === 0x3a) {
        const v = readImm(bytes, i, 1);
        if (v === undefined) return null;
        immediate = v;
        i += 1;
      }
      return i > 15 ? null : { length: i, opcode: [0x0f, op2, op3], immediate, prefixes, modrm };
    }
    i += 2;
    let immediate = 0;
    if (op2 >= 0x80 && op2 <= 0x8f) {
      const v = readImm(bytes, i, 4);
      if (v === undefined) return null;
      return { length: i + 4, opcode: [0x0f, op2], immediate: v, prefixes, modrm: -1 };
    }
    if (op2 >= 0xc8 && op2 <= 0xcf) return { length: i, opcode: [0x0f, op2], immediate: 0, prefixes, modrm: -1 };
    if (
      op2 === 0x04 ||
      op2 === 0x0a ||
      op2 === 0x0c ||
      op2 === 0x24 ||
      op2 === 0x25 ||
      op2 === 0x26 ||
      op2 === 0x27 ||
      op2 === 0x36 ||
      op2 === 0x39 ||
      op2 === 0x3b ||
      op2 === 0x3c ||
      op2 === 0x3d ||
      op2 === 0x3e ||
      op2 === 0x3f ||
      op2 === 0xa6 ||
      op2 === 0xa7
    )
      return null;
    const modrm = TWO_NO_MODRM.has(op2) ? -1 : i;
    if (!TWO_NO_MODRM.has(op2)) {
      const m = modrmLength(bytes, i, addr32);
      if (m < 0) return null;
      i += m;
    }
    if (TWO_IMM8.has(op2)) {
      const v = readImm(bytes, i, 1);
      if (v === undefined) return null;
      immediate = v;
      i += 1;
    }
    return i > 15 ? null : { length: i, opcode: [0x0f, op2], immediate, prefixes, modrm };
  }

  if (INVALID_64.has(op)) return null;
  const d = oneByte(op);
  i += 1;
  let reg = 0;
  const modrm = d.modrm ? i : -1;
  if (d.modrm) {
    reg = ((bytes[i] ?? 0) >> 3) & 7;
    const m = modrmLength(bytes, i, addr32);
    if (m < 0) return null;
    i += m;
  }
  let size = 0;
  switch (d.imm) {
    case 0:
      break;
    case 1:
    case 2:
    case 4:
      size = d.imm;
      break;
    case 'z':
      size = opsize16 && !rexW ? 2 : 4;
      break;
    case 'v':
      size = rexW ? 8 : opsize16 ? 2 : 4;
      break;
    case 'a':
      size = addr32 ? 4 : 8;
      break;
    case 'e':
      size = 3;
      break;
    case 'g':
      size = reg <= 1 ? (op === 0xf6 ? 1 : opsize16 && !rexW ? 2 : 4) : 0;
      break;
  }
  let immediate = 0;
  if (size === 3) {
    if (i + 3 > bytes.length) return null;
  } else if (size) {
    const v = readImm(bytes, i, size);
    if (v === undefined) return null;
    immediate = v;
  }
  i += size;
  return i > 15 ? null : { length: i, opcode: [op], immediate, prefixes, modrm };
}
