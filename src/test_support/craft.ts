// Invalid modules made from a real one, one per elf_validity_check() refusal (kernel 6.1).
// Used by the unit tests and by scripts/craft-invalid-modules.ts, which writes them out for a
// run on the real kernel (truth/v6.1/elf-validity/).
import { MODULE_SIG_STRING, SHT_SYMTAB } from '../elf/constants.ts';

/** The module without its appended signature, as module_sig_check() leaves it. */
export function stripSignature(bytes: Uint8Array): Uint8Array {
  const marker = new TextEncoder().encode(MODULE_SIG_STRING);
  const n = bytes.length - marker.length;
  if (n < 12 || !marker.every((b, i) => bytes[n + i] === b)) return bytes.slice();
  const sigLen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(n - 4, false);
  return bytes.slice(0, n - 12 - sigLen);
}

interface Edit {
  dv: DataView;
  bytes: Uint8Array;
  shoff: number;
  shnum: number;
  shstrndx: number;
  sh(i: number): number;
  firstOf(type: number): number;
  firstAlloc(): number;
}

function edit(base: Uint8Array, change: (e: Edit) => void): Uint8Array {
  const bytes = base.slice();
  const dv = new DataView(bytes.buffer);
  const shoff = Number(dv.getBigUint64(40, true));
  const shnum = dv.getUint16(60, true);
  const e: Edit = {
    dv,
    bytes,
    shoff,
    shnum,
    shstrndx: dv.getUint16(62, true),
    sh: (i) => shoff + i * 64,
    firstOf(type) {
      for (let i = 1; i < shnum; i++) if (dv.getUint32(shoff + i * 64 + 4, true) === type) return i;
      throw new Error(`no section of type ${type}`);
    },
    firstAlloc() {
      for (let i = 1; i < shnum; i++) if (dv.getBigUint64(shoff + i * 64 + 8, true) & 2n) return i;
      throw new Error('no SHF_ALLOC section');
    },
  };
  change(e);
  return bytes;
}

export interface CraftedModule {
  /** File name, also the oracle plan's module name. */
  name: string;
  bytes: Uint8Array;
}

/** One crafted file per check, in the kernel's order; `base` must be unsigned. */
export function craftInvalidModules(base: Uint8Array): CraftedModule[] {
  return [
    { name: 'len', bytes: base.slice(0, 63) },
    { name: 'magic', bytes: edit(base, (e) => (e.bytes[0] = 0x7e)) },
    { name: 'type', bytes: edit(base, (e) => e.dv.setUint16(16, 2, true)) },
    { name: 'machine', bytes: edit(base, (e) => e.dv.setUint16(18, 183, true)) },
    { name: 'shentsize', bytes: edit(base, (e) => e.dv.setUint16(58, 40, true)) },
    { name: 'shoff', bytes: edit(base, (e) => e.dv.setBigUint64(40, BigInt(base.length - 64), true)) },
    { name: 'shstrndx-zero', bytes: edit(base, (e) => e.dv.setUint16(62, 0, true)) },
    { name: 'shstrndx-big', bytes: edit(base, (e) => e.dv.setUint16(62, e.shnum, true)) },
    {
      name: 'shstrtab-offset',
      bytes: edit(base, (e) => e.dv.setBigUint64(e.sh(e.shstrndx) + 24, 0xfffffffffffffff0n, true)),
    },
    { name: 'shstrtab-empty', bytes: edit(base, (e) => e.dv.setBigUint64(e.sh(e.shstrndx) + 32, 0n, true)) },
    {
      name: 'shstrtab-unterminated',
      bytes: edit(base, (e) => {
        const off = Number(e.dv.getBigUint64(e.sh(e.shstrndx) + 24, true));
        const size = Number(e.dv.getBigUint64(e.sh(e.shstrndx) + 32, true));
        e.bytes[off + size - 1] = 0x41;
      }),
    },
    { name: 'section0', bytes: edit(base, (e) => e.dv.setUint32(e.sh(0) + 4, 1, true)) },
    { name: 'symtab-link', bytes: edit(base, (e) => e.dv.setUint32(e.sh(e.firstOf(SHT_SYMTAB)) + 40, 0, true)) },
    {
      name: 'section-overflow',
      bytes: edit(base, (e) => e.dv.setBigUint64(e.sh(e.firstAlloc()) + 32, BigInt(base.length), true)),
    },
    {
      name: 'section-name',
      bytes: edit(base, (e) => e.dv.setUint32(e.sh(e.firstAlloc()), 0x7fffffff, true)),
    },
  ];
}
