// Compressed modules as distributions ship them (.ko.gz, .ko.xz, .ko.zst). kmod recognises the
// format by its magic and either decompresses in user space or hands the file to the kernel's
// module_decompress() (kernel/module/decompress.c); either way the loader sees plain ELF.
// Libraries: fflate (gzip), xz-decompress (xz-embedded, the kernel's own xz decoder, in wasm),
// fzstd (zstd). Each is imported when a file needs it: most modules are plain ELF, and the three
// decoders are a fifth of the worker's first-load size.
import { EINVAL } from '../kernel/errno.ts';
import { type LoadError, loadError } from '../kernel/load_error.ts';

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
        return { ok: true, bytes: (await import('fflate')).gunzipSync(bytes), compression };
      case 'zstd':
        return { ok: true, bytes: (await import('fzstd')).decompress(bytes), compression };
      case 'xz':
        return { ok: true, bytes: await xzDecompress(bytes), compression };
    }
  } catch (e) {
    return failed(decompressionFailure(compression, e));
  }
}

/**
 * module_gzip_decompress()/module_xz_decompress() (kernel/module/decompress.c, 6.1) print
 * "decompression failed with status %d" with zlib's or xz-embedded's return code. fflate and
 * xz-embedded tell us which failure it was; zstd has no 6.1 in-kernel path (kmod does it), so
 * its library reason is kept.
 */
function decompressionFailure(compression: Compression, e: unknown): string {
  const reason = e instanceof Error ? e.message : String(e);
  if (compression === 'gzip') {
    // fflate code 0 = input ended early (zlib_inflate: Z_BUF_ERROR -5); others are corrupt data (Z_DATA_ERROR -3)
    const code = (e as { code?: number }).code;
    return `decompression failed with status ${code === 0 ? -5 : -3}`;
  }
  const xzRet = /error code (\d+)/.exec(reason); // enum xz_ret: 7 XZ_DATA_ERROR, 8 XZ_BUF_ERROR …
  if (compression === 'xz' && xzRet) return `decompression failed with status ${xzRet[1]}`;
  return `decompression failed (${compression}: ${reason})`;
}

async function xzDecompress(bytes: Uint8Array): Promise<Uint8Array> {
  // xz-decompress is a UMD bundle: Node's ESM loader sees only its default export.
  const { XzReadableStream } = (await import('xz-decompress')).default;
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
