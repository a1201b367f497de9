// Little-endian loads and stores at any byte offset of a buffer: get_unaligned_le32() and
// put_unaligned_le32() & co. (include/asm-generic/unaligned.h), over a copy of kernel memory.
// Hot in the table sorts (ORC: millions of compares on a big module): no DataView for 32 bits.

export const s32At = (buf: Uint8Array, off: number) =>
  buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! << 24);
export const setS32 = (buf: Uint8Array, off: number, v: number) => {
  buf[off] = v & 0xff;
  buf[off + 1] = (v >>> 8) & 0xff;
  buf[off + 2] = (v >>> 16) & 0xff;
  buf[off + 3] = (v >>> 24) & 0xff;
};
export const s64At = (buf: Uint8Array, off: number) => new DataView(buf.buffer, buf.byteOffset).getBigInt64(off, true);
export const setS64 = (buf: Uint8Array, off: number, v: bigint) =>
  new DataView(buf.buffer, buf.byteOffset).setBigInt64(off, BigInt.asIntN(64, v), true);
export const u64At = (buf: Uint8Array, off: number) => new DataView(buf.buffer, buf.byteOffset).getBigUint64(off, true);
