import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { decompressModule, detectCompression } from './index.ts';

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

test.each(['crc7.ko.gz', 'crc7.ko.xz', 'crc7.ko.zst'])(
  'truncated %s is an EINVAL from module_decompress',
  async (name) => {
    const packed = fixture(name);
    const result = await decompressModule(packed.subarray(0, packed.length >> 1));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errnoName).toBe('EINVAL');
    expect(result.error.where).toBe('module_decompress');
    expect(result.error.message).toBe(
      {
        'crc7.ko.gz': 'decompression failed with status -5', // Z_BUF_ERROR: input ended
        'crc7.ko.xz': 'decompression failed with status 8', // XZ_BUF_ERROR
        'crc7.ko.zst': 'decompression failed (zstd: unexpected EOF)',
      }[name],
    );
  },
);

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
