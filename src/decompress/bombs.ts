// Compressed files that expand far beyond their size, made in code for the tests, the fuzz
// suite and bench/crafted.ts (no big binary is committed).
import { gzipSync } from 'fflate';

/**
 * A zstd frame of RLE blocks (RFC 8878 §3.1.1.2: one byte repeated up to 128 KiB per 4-byte
 * block) that expands to `size` bytes of zeros — about 32,000:1.
 */
export function zstdBomb(size: number): Uint8Array {
  const block = 128 * 1024;
  const blocks = Math.ceil(size / block);
  // Magic; Frame_Header_Descriptor 0 (no checksum, no content size); Window_Descriptor 2^(10+7).
  const out = new Uint8Array(6 + blocks * 4);
  out.set([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3]);
  for (let i = 0, p = 6; i < blocks; i++, p += 4) {
    const n = i === blocks - 1 ? size - i * block : block;
    const h = (n << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0); // Block_Size, RLE_Block, Last_Block
    out[p] = h & 0xff;
    out[p + 1] = (h >> 8) & 0xff;
    out[p + 2] = (h >> 16) & 0xff;
    out[p + 3] = 0;
  }
  return out;
}

/** A gzip file of `size` zeros (deflate reaches ~1000:1 on them). */
export function gzipBomb(size: number): Uint8Array {
  return gzipSync(new Uint8Array(size), { level: 1 });
}
