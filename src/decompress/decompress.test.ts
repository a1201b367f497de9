import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { gzipBomb, zstdBomb } from './bombs.ts';
import { decompressModule, detectCompression, MAX_DECOMPRESSED_SIZE, zstdFrameWindows } from './index.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));
const plain = new Uint8Array(readFileSync(new URL('../elf/__fixtures__/debian/crc7.ko', import.meta.url)));

test.each([
  ['crc7.ko.gz', 'gzip'],
  ['crc7.ko.xz', 'xz'],
  ['crc7-crc32.ko.xz', 'xz'],
  ['crc7.ko.zst', 'zstd'],
] as const)('%s is recognised by its magic and decompresses to the exact module', async (name, format) => {
  const packed = fixture(name);
  expect(detectCompression(packed)).toBe(format);
  const result = await decompressModule(packed);
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.compression).toBe(format);
  expect(result.bytes.length).toBe(plain.length);
  expect(Buffer.compare(result.bytes, plain)).toBe(0);
});

test('a plain module is passed through untouched (no copy)', async () => {
  const result = await decompressModule(plain);
  expect(result).toEqual({ ok: true, bytes: plain, compression: 'none' });
  if (result.ok) expect(result.bytes.buffer).toBe(plain.buffer);
});

test.each(['crc7.ko.gz', 'crc7.ko.xz'])('truncated %s is an EINVAL from module_decompress', async (name) => {
  const packed = fixture(name);
  const result = await decompressModule(packed.subarray(0, packed.length >> 1));
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.errnoName).toBe('EINVAL');
  expect(result.error.where).toBe('module_decompress');
  expect(result.error.message).toBe(
    {
      'crc7.ko.gz': 'decompression failed with status -5', // Z_BUF_ERROR: input ended
      // module_xz_decompress() stops at the first short page, still XZ_OK: it prints status 0
      'crc7.ko.xz': 'decompression failed with status 0',
    }[name],
  );
});

test.each([
  ['crc7.ko.gz', 'decompression failed with status -3'], // Z_DATA_ERROR
  ['crc7.ko.xz', 'decompression failed with status 7'], // XZ_DATA_ERROR
  ['crc7.ko.zst', 'decompression failed (zstd: invalid zstd data)'],
])('corrupt %s gives the decompressor status the kernel prints', async (name, message) => {
  const packed = fixture(name).slice();
  packed[40]! ^= 0xff;
  packed[41]! ^= 0x55;
  const result = await decompressModule(packed);
  expect(result.ok ? 'decompressed' : result.error.message).toBe(message);
});

test('a truncated .ko.zst is what kmod 30 made of it: the blocks decoded before the end of the file', async () => {
  const packed = fixture('crc7.ko.zst');
  const result = await decompressModule(packed.subarray(0, packed.length >> 1));
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.bytes.length).toBeLessThan(plain.length);
  expect(Buffer.compare(result.bytes, plain.subarray(0, result.bytes.length))).toBe(0);
});

test('a .ko.zst missing its checksum byte loads, as with kmod 30 (ZSTD_decompressStream is not asked to finish)', async () => {
  const packed = fixture('crc7.ko.zst');
  expect(packed[4]! & 4).toBe(4); // Content_Checksum_flag: the frame ends in 4 checksum bytes
  const result = await decompressModule(packed.subarray(0, packed.length - 1));
  expect(result.ok && Buffer.compare(result.bytes, plain)).toBe(0);
});

test('a .ko.zst whose content checksum is wrong is refused, as ZSTD_decompressStream() refuses it for kmod', async () => {
  const packed = fixture('crc7.ko.zst');
  const bad = packed.slice();
  bad[bad.length - 1]! ^= 0x01; // the checksum's top byte: the data decodes, the hash does not match
  const result = await decompressModule(bad);
  expect(result.ok ? 'decompressed' : result.error.message).toBe(
    "decompression failed (zstd: Restored data doesn't match checksum)",
  );
});

test('frames one after another, skippable frames between and after: each checked, all output kept', async () => {
  const packed = fixture('crc7.ko.zst');
  const skippable = [0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4];
  const result = await decompressModule(new Uint8Array([...packed, ...skippable, ...packed, ...skippable]));
  expect(result.ok && Buffer.compare(result.bytes, Buffer.concat([plain, plain]))).toBe(0);
  const second = new Uint8Array([...packed, ...packed]);
  second[second.length - 2]! ^= 0x01;
  const refused = await decompressModule(second);
  expect(refused.ok ? 'decompressed' : refused.error.message).toBe(
    "decompression failed (zstd: Restored data doesn't match checksum)",
  );
});

test('junk after a zstd frame is refused, as libzstd refuses an unknown frame', async () => {
  const packed = new Uint8Array([...fixture('crc7.ko.zst'), ...new TextEncoder().encode('junk after the frame!')]);
  const result = await decompressModule(packed);
  expect(result.ok ? 'decompressed' : result.error.message).toBe('decompression failed (zstd: invalid zstd data)');
});

test('a .ko.gz is inflated to the end of its deflate stream: a trailer claiming 0 bytes, or junk after it, changes nothing', async () => {
  const packed = fixture('crc7.ko.gz');
  const spoofed = packed.slice();
  spoofed.fill(0, spoofed.length - 8); // CRC32 and ISIZE zeroed
  const withJunk = new Uint8Array([...spoofed, ...new TextEncoder().encode('~Module signature appended~\n')]);
  for (const file of [spoofed, withJunk]) {
    const result = await decompressModule(file);
    expect(result.ok && Buffer.compare(result.bytes, plain)).toBe(0);
  }
});

test("only module_gzip_header_len()'s header is skipped: FNAME yes, a method other than deflate no", async () => {
  const packed = fixture('crc7.ko.gz').slice();
  packed[2] = 7;
  const result = await decompressModule(packed);
  expect(result.ok ? 'decompressed' : result.error.message).toBe('not a gzip compressed module');
});

test('an xz stream followed by junk decompresses: module_xz_decompress() stops at XZ_STREAM_END', async () => {
  const packed = new Uint8Array([...fixture('crc7.ko.xz'), 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const result = await decompressModule(packed);
  expect(result.ok && Buffer.compare(result.bytes, plain)).toBe(0);
});

test.each([
  ['gzip', () => gzipBomb(8 << 20)],
  ['zstd', () => zstdBomb(8 << 20)],
  ['xz', () => fixture('crc7.ko.xz')],
])('a %s module expanding past the bound stops there with EFBIG', async (_, make) => {
  const result = await decompressModule(make(), { maxSize: 2000 });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.errnoName).toBe('EFBIG');
  expect(result.error.where).toBe('module_decompress');
  expect(result.error.message).toMatch(/^the module expands past 2000 bytes/);
});

// (time and peak memory of such inputs: `npm run bench:crafted`)
test('a 10 KB .ko.zst that would expand to 1 GiB stops at MAX_DECOMPRESSED_SIZE', async () => {
  const bomb = zstdBomb(2 ** 30);
  expect(bomb.length).toBeLessThan(40_000);
  const result = await decompressModule(bomb);
  expect(result.ok ? 'decompressed' : result.error.message).toMatch(
    new RegExp(`^the module expands past ${MAX_DECOMPRESSED_SIZE} bytes \\(256 MiB\\)`),
  );
});

test("a zstd frame asking for a window above libzstd's default limit (128 MiB) is refused before any allocation", async () => {
  const bomb = zstdBomb(1 << 20);
  bomb[5] = (21 << 3) | 0; // Window_Descriptor: 2^(10+21) = 2 GiB
  expect(zstdFrameWindows(bomb)).toEqual([2 ** 31]);
  const result = await decompressModule(bomb);
  expect(result.ok ? 'decompressed' : result.error.message).toBe(
    'decompression failed (zstd: Frame requires too much memory for decoding)',
  );
});
