// Compressed modules as distributions ship them (.ko.gz, .ko.xz, .ko.zst). kmod recognises the
// format by its magic and either decompresses in user space or hands the file to the kernel's
// module_decompress() (kernel/module/decompress.c); either way the loader sees plain ELF.
// Libraries: fflate (gzip), xz-decompress (xz-embedded, the kernel's own xz decoder, in wasm),
// fzstd (zstd).
import { gunzipSync } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';
import { XzReadableStream } from 'xz-decompress';
import { EINVAL } from '../kernel/errno.ts';
import { loadError, type LoadError } from '../kernel/load_error.ts';

export type Compression = 'none' | 'gzip' | 'xz' | 'zstd';

const startsWith = (b: Uint8Array, magic: number[]) => magic.every((x, i) => b[i] === x);

/** What kmod's magic sniffing (libkmod-file.c) would call this file. */
export function detectCompression(bytes: Uint8Array): Compression {
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(bytes, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(bytes, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  return 'none';
}

export type Decompressed = { ok: true; bytes: Uint8Array; compression: Compression } | { ok: false; error: LoadError };

const failed = (message: string): Decompressed => ({
  ok: false,
  error: loadError(EINVAL, 'module_decompress', message),
});

export async function decompressModule(bytes: Uint8Array): Promise<Decompressed> {
  const compression = detectCompression(bytes);
  try {
    switch (compression) {
      case 'none':
        return { ok: true, bytes, compression };
      case 'gzip':
        return { ok: true, bytes: gunzipSync(bytes), compression };
      case 'zstd':
        return { ok: true, bytes: zstdDecompress(bytes), compression };
      case 'xz':
        return { ok: true, bytes: await xzDecompress(bytes), compression };
    }
  } catch (e) {
    // module_gzip_decompress()/module_xz_decompress() print only a status code; the library's
    // reason says more, so it is kept after the kernel's wording.
    const reason = e instanceof Error ? e.message : String(e);
    return failed(`decompression failed (${compression}: ${reason})`);
  }
}

async function xzDecompress(bytes: Uint8Array): Promise<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const reader = new XzReadableStream(input).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
