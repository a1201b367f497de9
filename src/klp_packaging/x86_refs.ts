// Where an x86-64 instruction refers to another address relative to itself: a branch's rel8 /
// rel32 (call, jmp, jcc, loop/jrcxz) or a RIP-relative ModRM operand's disp32. Lengths come from
// the kernel's decoder (src/kernel/arch/x86/insn.ts, insn_decode_kernel); this file only locates
// the ModRM byte, which that decoder steps over without reporting. The ModRM tables below are
// the ones insn.ts applies to compute lengths.
import { insn_decode_kernel } from '../kernel/arch/x86/insn.ts';

export interface RelField {
  /** Offset of the displacement field (from the start of the decoded bytes). */
  at: number;
  size: 1 | 4;
  /** 'branch': call/jmp/jcc operand; 'rip': a RIP-relative memory operand. */
  kind: 'branch' | 'rip';
  /** The sign-extended displacement as stored. */
  disp: number;
}

export interface DecodedInsn {
  offset: number;
  length: number;
  opcode: number[];
  /** The address-relative field, if the instruction has one. */
  rel?: RelField;
}

const oneByteHasModrm = (op: number) =>
  (op < 0x40 && (op & 7) < 4) ||
  (op >= 0x84 && op <= 0x8f) ||
  (op >= 0xd8 && op <= 0xdf) ||
  (op >= 0xd0 && op <= 0xd3) ||
  [0x63, 0x69, 0x6b, 0x80, 0x81, 0x83, 0xc0, 0xc1, 0xc6, 0xc7, 0xf6, 0xf7, 0xfe, 0xff].includes(op);
const TWO_NO_MODRM = new Set([
  0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0e, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x37, 0x77, 0xa0, 0xa1, 0xa2, 0xa8,
  0xa9, 0xaa,
]);

const s32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset + at, 4).getInt32(0, true);
const s8 = (b: Uint8Array, at: number) => (b[at]! << 24) >> 24;

/** Decode one instruction at bytes[0] and locate its relative field; null if undecodable. */
function decodeRel(bytes: Uint8Array): Omit<DecodedInsn, 'offset'> | null {
  const insn = insn_decode_kernel(bytes);
  if (!insn) return null;
  const { length, opcode } = insn;
  const op = opcode[0]!;
  // Branches: the displacement is the last field (no immediate follows it).
  if (op === 0xe8 || op === 0xe9 || (op === 0x0f && opcode.length === 2 && opcode[1]! >= 0x80 && opcode[1]! <= 0x8f))
    return { length, opcode, rel: { at: length - 4, size: 4, kind: 'branch', disp: s32(bytes, length - 4) } };
  if (op === 0xeb || (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3))
    return { length, opcode, rel: { at: length - 1, size: 1, kind: 'branch', disp: s8(bytes, length - 1) } };

  // Where is the ModRM byte? prefixes, REX, then the opcode bytes (VEX/EVEX/XOP payload included).
  let p = insn.prefixes.length;
  const vex = op === 0xc4 || op === 0xc5 || op === 0x62 || (op === 0x8f && opcode.length === 2);
  if (!vex && (bytes[p]! & 0xf0) === 0x40) p++;
  let modrm: boolean;
  if (vex) {
    const map = op === 0xc5 ? 1 : op === 0x62 ? bytes[p + 1]! & 7 : bytes[p + 1]! & 0x1f;
    p += (op === 0xc5 ? 2 : op === 0x62 ? 4 : 3) + 1;
    modrm = !(op !== 0x62 && op !== 0x8f && map === 1 && opcode[1] === 0x77); // vzeroupper/vzeroall
  } else if (op === 0x0f) {
    p += opcode.length;
    const op2 = opcode[1]!;
    modrm = opcode.length === 3 || !(TWO_NO_MODRM.has(op2) || (op2 >= 0xc8 && op2 <= 0xcf));
  } else {
    p += 1;
    modrm = oneByteHasModrm(op);
  }
  if (modrm && p < length) {
    const m = bytes[p]!;
    if (m >> 6 === 0 && (m & 7) === 5)
      return { length, opcode, rel: { at: p + 1, size: 4, kind: 'rip', disp: s32(bytes, p + 1) } };
  }
  return { length, opcode };
}

/** Decode [start, end) of `code` instruction by instruction; throws where decoding fails. */
export function decodeRange(code: Uint8Array, start: number, end: number, what = 'code'): DecodedInsn[] {
  const out: DecodedInsn[] = [];
  for (let at = start; at < end; ) {
    const d = decodeRel(code.subarray(at, Math.min(end, at + 15)));
    if (!d) throw new Error(`${what}: cannot decode the instruction at 0x${at.toString(16)}`);
    out.push({ offset: at, ...d });
    at += d.length;
  }
  return out;
}

/** The address an instruction's relative field refers to (offsets in the same section). */
export const relTarget = (insn: DecodedInsn) => insn.offset + insn.length + insn.rel!.disp;
