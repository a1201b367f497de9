// Compressed modules as distributions ship them (.ko.gz, .ko.xz, .ko.zst), decompressed the way
// the loader that would see them does:
// - gzip and xz as the kernel's own module_decompress() (kernel/module/decompress.c, 6.1), which
//   kmod ≥ 31 hands them to: gzip is a raw inflate after module_gzip_header_len()'s header, run to
//   the end of the deflate stream — the trailer's CRC and ISIZE are never read, and nothing after
//   the stream is looked at; xz runs xz_dec_run() to XZ_STREAM_END and ignores what follows.
// - zstd as kmod 30 (libkmod-file.c load_zstd(), the kmod of Debian 12; 6.1 has no in-kernel
//   zstd): ZSTD_decompressStream() on each block read until end of file, and whatever it produced
//   by then is the module — a frame cut short (a missing checksum byte) is not an error there.
// Every decoder streams: output is counted as it comes and decoding stops the moment it passes
// MAX_DECOMPRESSED_SIZE, so a bomb costs at most that plus one chunk.
// Libraries: fflate (raw inflate), xz-decompress (xz-embedded, the kernel's xz decoder, in wasm),
// fzstd (zstd) with hash-wasm's XXH64 (fzstd does not check a frame's checksum). Each is imported
// when a file needs it: most modules are plain ELF, and the decoders are a fifth of the worker's
// first-load size.
import { EFBIG, EINVAL } from '../kernel/errno.ts';
import { type LoadError, loadError } from '../kernel/load_error.ts';

export type Compression = 'none' | 'gzip' | 'xz' | 'zstd';

/**
 * klp-lab's own bound on a decompressed module. The kernel has none but memory (module_decompress()
 * allocates page after page; kmod reallocs), so a 100 KB file can ask for gigabytes. 256 MiB is
 * 13 times the largest module Debian 6.1 ships (amdgpu.ko, 19 MiB) and well under what a browser
 * tab may hold; plain files keep kernel_read_file()'s INT_MAX (src/kernel/read_file.ts).
 */
export const MAX_DECOMPRESSED_SIZE = 256 * 1024 * 1024;

/**
 * Deflate input is fed in pieces this big: fflate inflates a whole piece before it reports, and
 * deflate expands at most 1032:1, so a piece costs at most 17 MB; smaller pieces cost time.
 */
const INFLATE_CHUNK = 16384;

const startsWith = (b: Uint8Array, magic: number[]) => magic.every((x, i) => b[i] === x);

/** What kmod's magic sniffing (libkmod-file.c) would call this file. */
export function detectCompression(bytes: Uint8Array): Compression {
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(bytes, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(bytes, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  return 'none';
}

export type Decompressed = { ok: true; bytes: Uint8Array; compression: Compression } | { ok: false; error: LoadError };

export interface DecompressOptions {
  /** Stop past this many bytes of output (default MAX_DECOMPRESSED_SIZE). */
  maxSize?: number;
}

const failed = (message: string): Decompressed => ({
  ok: false,
  error: loadError(EINVAL, 'module_decompress', message),
});

/** Thrown by Output.add() when the bound is passed; turned into the EFBIG refusal. */
class TooLarge extends Error {}

/** Decompressed chunks, counted as they arrive. */
class Output {
  private chunks: Uint8Array[] = [];
  size = 0;
  constructor(readonly max: number) {}
  add(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.size += chunk.length;
    if (this.size > this.max) {
      this.chunks = [];
      throw new TooLarge();
    }
    this.chunks.push(chunk);
  }
  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.size);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    this.chunks = [];
    return out;
  }
}

export async function decompressModule(bytes: Uint8Array, options: DecompressOptions = {}): Promise<Decompressed> {
  const compression = detectCompression(bytes);
  if (compression === 'none') return { ok: true, bytes, compression };
  const out = new Output(options.maxSize ?? MAX_DECOMPRESSED_SIZE);
  try {
    switch (compression) {
      case 'gzip': {
        const message = await module_gzip_decompress(bytes, out);
        if (message) return failed(message);
        break;
      }
      case 'zstd':
        await zstdDecompress(bytes, out);
        break;
      case 'xz': {
        const message = await module_xz_decompress(bytes, out);
        if (message) return failed(message);
        break;
      }
    }
    return { ok: true, bytes: out.bytes(), compression };
  } catch (e) {
    if (e instanceof TooLarge) {
      const mib = out.max / 1024 / 1024;
      return {
        ok: false,
        error: loadError(
          EFBIG,
          'module_decompress',
          `the module expands past ${out.max} bytes (${mib} MiB) when decompressed: klp-lab stops there ` +
            `(the kernel has no bound but memory; the largest module Debian ships is 19 MiB)`,
        ),
      };
    }
    return failed(decompressionFailure(compression, e));
  }
}

/** module_gzip_header_len(): 10 bytes, then a NUL-terminated name when FNAME is set; 0 = not gzip. */
function module_gzip_header_len(buf: Uint8Array): number {
  if (buf.length < 10 || buf[0] !== 0x1f || buf[1] !== 0x8b || buf[2] !== 0x08) return 0;
  let len = 10;
  if (buf[3]! & 0x08) {
    do {
      if (len === buf.length) return 0;
    } while (buf[len++] !== 0);
  }
  return len;
}

/**
 * module_gzip_decompress(): zlib_inflate() with -MAX_WBITS (raw deflate) until Z_STREAM_END.
 * Returns the kernel's message on failure, undefined on success.
 */
async function module_gzip_decompress(buf: Uint8Array, out: Output): Promise<string | undefined> {
  const hdr = module_gzip_header_len(buf);
  if (!hdr) return 'not a gzip compressed module';
  const { Inflate } = await import('fflate');
  const inflater = new Inflate((chunk) => out.add(chunk));
  // fflate keeps its progress in `s`: f = BFINAL seen, l = a block still open. Both settled means
  // the final block ended — zlib's Z_STREAM_END; the trailer and anything after it stay unread.
  const state = (inflater as unknown as { s: { f?: number; l?: unknown } }).s;
  const ended = () => Boolean(state.f) && !state.l;
  for (let p = hdr; p < buf.length && !ended(); p += INFLATE_CHUNK) {
    inflater.push(buf.subarray(p, Math.min(p + INFLATE_CHUNK, buf.length)), false);
  }
  if (!ended()) inflater.push(new Uint8Array(0), true); // throws fflate code 0 if the stream is cut short
  return undefined;
}

type XzModule = typeof import('xz-decompress');

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Where the first xz stream ends: its 12-byte footer is CRC32, Backward Size, the header's Stream
 * Flags and "YZ" (xz file format 1.1.0 §2.1.2). The library decodes concatenated streams and
 * rejects junk after them; xz_dec_run() stops at the first footer, so only that much is given.
 */
function xzFirstStreamEnd(buf: Uint8Array): number {
  for (let e = 24; e <= buf.length; e++) {
    if (buf[e - 2] !== 0x59 || buf[e - 1] !== 0x5a || buf[e - 4] !== buf[6] || buf[e - 3] !== buf[7]) continue;
    const f = e - 12;
    const stored = (buf[f]! | (buf[f + 1]! << 8) | (buf[f + 2]! << 16) | (buf[f + 3]! << 24)) >>> 0;
    if (crc32(buf.subarray(f + 4, f + 10)) === stored) return e;
  }
  return buf.length;
}

/**
 * module_xz_decompress(): xz_dec_run() page by page until XZ_STREAM_END; bytes after the stream
 * are never read. The kernel gives all input at once and stops at the first short page, so a
 * stream cut short ends with XZ_OK: "decompression failed with status 0".
 */
async function module_xz_decompress(buf: Uint8Array, out: Output): Promise<string | undefined> {
  // xz-decompress is a UMD bundle: depending on the loader its export is named or under default.
  const xz = (await import('xz-decompress')) as unknown as XzModule & { default?: XzModule };
  const XzReadableStream = xz.XzReadableStream ?? xz.default!.XzReadableStream;
  const end = xzFirstStreamEnd(buf);
  let fed = 0;
  const input = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (fed >= end) {
        controller.close();
        return;
      }
      controller.enqueue(buf.subarray(fed, Math.min(fed + 65536, end)));
      fed += 65536;
    },
  });
  const reader = new XzReadableStream(input).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return undefined;
      out.add(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    const xzRet = /error code (\d+)/.exec(e instanceof Error ? e.message : String(e));
    if (!xzRet) throw e;
    // XZ_BUF_ERROR (8) is the library's second call without input; the kernel stopped at the first (XZ_OK).
    return `decompression failed with status ${xzRet[1] === '8' ? 0 : xzRet[1]}`;
  }
}

/**
 * libzstd refuses a window above ZSTD_WINDOWLOG_LIMIT_DEFAULT (27) unless told otherwise; kmod
 * does not tell it. fzstd would allocate whatever the frame header asks for (up to 2 GB), so the
 * header is checked here first.
 */
const ZSTD_MAX_WINDOW = 2 ** 27;

/** A zstd frame of a file: where it lies, the window it asks for, its checksum if it has one. */
interface ZstdFrame {
  start: number;
  /** Its end: after its checksum, or where the file ends when it is cut short. */
  end: number;
  window: number;
  /** Content_Checksum: the low 32 bits of XXH64 of the frame's output, when all 4 bytes are there. */
  checksum?: number;
}

/**
 * The zstd frames of `buf`, walking frame and block headers without decoding (RFC 8878 §3.1).
 * The walk stops at the first thing it does not understand, or at a frame cut short: fzstd then
 * says why, or decodes what there is.
 */
function zstdFrames(buf: Uint8Array): ZstdFrame[] {
  const frames: ZstdFrame[] = [];
  const u32 = (p: number) => (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16)) + buf[p + 3]! * 2 ** 24;
  for (let p = 0; p + 8 <= buf.length; ) {
    const magic = u32(p);
    if (magic >>> 4 === 0x184d2a5) {
      p += 8 + u32(p + 4); // skippable frame
      continue;
    }
    if (magic !== 0xfd2fb528) break;
    const fhd = buf[p + 4]!;
    const singleSegment = (fhd >> 5) & 1;
    let at = p + 5;
    let window = 0;
    if (!singleSegment) {
      const wd = buf[at++]!;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    at += [0, 1, 2, 4][fhd & 3]!;
    const fcsBytes = [singleSegment, 2, 4, 8][fhd >> 6]!;
    let fcs = 0;
    for (let i = 0; i < fcsBytes; i++) fcs += (buf[at + i] ?? 0) * 2 ** (8 * i);
    if (fcsBytes === 2) fcs += 256;
    at += fcsBytes;
    const frame: ZstdFrame = { start: p, end: buf.length, window: singleSegment ? fcs : window };
    frames.push(frame);
    for (;;) {
      if (at + 3 > buf.length) return frames;
      const h = buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16);
      const type = (h >> 1) & 3;
      if (type === 3) return frames;
      at += 3 + (type === 1 ? 1 : h >>> 3);
      if (h & 1) break;
    }
    const hasChecksum = (fhd >> 2) & 1;
    if (hasChecksum && at + 4 <= buf.length) frame.checksum = u32(at);
    p = at + hasChecksum * 4;
    frame.end = Math.min(p, buf.length);
  }
  return frames;
}

/** The windows the zstd frames of `buf` ask for. */
export const zstdFrameWindows = (buf: Uint8Array): number[] => zstdFrames(buf).map((f) => f.window);

/**
 * kmod 30 load_zstd(): frames one after another (skippable ones skipped) until the file ends;
 * a frame cut short is not an error, junk after a frame is ("Unknown frame descriptor"), and so
 * is a whole frame whose output does not hash to its Content_Checksum (ZSTD_decompressStream()
 * checks it as the frame ends: "Restored data doesn't match checksum"). fzstd does not check it:
 * each such frame's output goes through XXH64 here (hash-wasm).
 */
async function zstdDecompress(buf: Uint8Array, out: Output): Promise<void> {
  const frames = zstdFrames(buf);
  if (frames.some((f) => f.window > ZSTD_MAX_WINDOW))
    throw new ZstdError('Frame requires too much memory for decoding');
  const { Decompress } = await import('fzstd');
  const xxh = frames.some((f) => f.checksum !== undefined)
    ? await (await import('hash-wasm')).createXXHash64(0, 0)
    : undefined;
  // fzstd hands over each block (≤ 128 KiB) as it is decoded, so Output.add() stops a bomb
  // mid-push: a whole frame can go in at once.
  for (const f of frames) {
    const hash = f.checksum !== undefined ? xxh : undefined;
    hash?.init();
    new Decompress((chunk) => {
      out.add(chunk);
      hash?.update(chunk);
    }).push(buf.subarray(f.start, f.end), false);
    // digest('hex') is the 64-bit value, most significant digit first; the frame keeps its low half
    if (hash && Number.parseInt(hash.digest('hex').slice(8), 16) !== f.checksum)
      throw new ZstdError("Restored data doesn't match checksum");
  }
  // what follows the last frame: skippable frames, or what fzstd refuses as libzstd does
  const rest = frames.length ? frames[frames.length - 1]!.end : 0;
  if (rest < buf.length) new Decompress((chunk) => out.add(chunk)).push(buf.subarray(rest), false);
}

class ZstdError extends Error {}

/**
 * module_gzip_decompress()/module_xz_decompress() (kernel/module/decompress.c, 6.1) print
 * "decompression failed with status %d" with zlib's or xz-embedded's return code. fflate tells us
 * which failure it was; zstd has no 6.1 in-kernel path (kmod does it), so its library reason is kept.
 */
function decompressionFailure(compression: Compression, e: unknown): string {
  const reason = e instanceof Error ? e.message : String(e);
  if (compression === 'gzip') {
    // fflate code 0 = input ended early (zlib_inflate: Z_BUF_ERROR -5); others are corrupt data (Z_DATA_ERROR -3)
    const code = (e as { code?: number }).code;
    return `decompression failed with status ${code === 0 ? -5 : -3}`;
  }
  return `decompression failed (${compression}: ${reason})`;
}
