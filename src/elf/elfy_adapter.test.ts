// elfy 1.0.0 reads Elf64 sh_addralign/sh_entsize 2 bytes early; the adapter re-reads them.
// If the workaround were removed, the second test would fail on every real module.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parseReadelfOutput } from '../test_support/readelf_output.ts';
import { elfyRawSections, readHeaderAndSections } from './elfy_adapter.ts';

const ko = new Uint8Array(readFileSync(new URL('./__fixtures__/debian/crc7.ko', import.meta.url)));
const readelf = parseReadelfOutput(
  readFileSync(new URL('./__fixtures__/debian/crc7.readelf.txt', import.meta.url), 'utf8'),
);

test('elfy itself still misreads sh_addralign and sh_entsize (the bug the adapter exists for)', () => {
  const raw = elfyRawSections(ko);
  const text = raw.findIndex((_, i) => readelf.sections[i]!.name === '.text');
  // .text: Al 16, ES 0 — elfy reads bytes 46..53 (the high half of sh_info and the low bytes
  // of the real sh_addralign) and gets 16·2^16.
  expect(readelf.sections[text]!.align).toBe(16n);
  expect(raw[text]!.addralign).toBe(16 * 2 ** 16);
  expect(raw.some((s, i) => BigInt(s.entsize) !== readelf.sections[i]!.entsize)).toBe(true);
});

test('the adapter reads them where Elf64_Shdr has them', () => {
  const { sections } = readHeaderAndSections(ko);
  expect(sections.map((s) => [s.addralign, s.entsize])).toEqual(readelf.sections.map((s) => [s.align, s.entsize]));
});

test('names come from e_shstrndx even when that section is not SHT_STRTAB (the kernel does not check)', () => {
  const bytes = ko.slice();
  const dv = new DataView(bytes.buffer);
  const shoff = Number(dv.getBigUint64(40, true));
  const shstrndx = dv.getUint16(62, true);
  dv.setUint32(shoff + shstrndx * 64 + 4, 1, true); // SHT_PROGBITS
  expect(readHeaderAndSections(bytes).sections.map((s) => s.name)).toEqual(readelf.sections.map((s) => s.name));
});

test('e_ident class and data are ignored: the kernel reads every module as little-endian Elf64', () => {
  const bytes = ko.slice();
  bytes[4] = 1; // ELFCLASS32
  bytes[5] = 2; // ELFDATA2MSB
  const { header, sections } = readHeaderAndSections(bytes);
  expect([header.class, header.data]).toEqual([1, 2]);
  expect(sections.map((s) => s.name)).toEqual(readelf.sections.map((s) => s.name));
});
