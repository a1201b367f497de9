// The decoder against GNU readelf 2.40 on real Debian 6.1 modules: every section, symbol and
// relocation, field by field (fixtures: __fixtures__/debian/README.md).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { openModule } from '../module_file.ts';
import { parseReadelfOutput } from '../test_support/readelf_output.ts';
import { STT_SECTION } from './constants.ts';
import {
  readelfSectionIndex,
  relocationTypeName,
  sectionFlagLetters,
  sectionTypeName,
  symbolBindName,
  symbolTypeName,
  symbolVisibilityName,
} from './names.ts';
import type { ElfObject } from './types.ts';

// Real Debian modules, and the sample livepatch and targets (with readelf's output kept beside
// the test fixtures: __fixtures__/klp/).
const debian = new URL('./__fixtures__/debian/', import.meta.url);
const samples = new URL('../../public/samples/klp/', import.meta.url);
const klpReadelf = new URL('./__fixtures__/klp/', import.meta.url);
const where: Record<string, { ko: URL; readelf: URL }> = {};
for (const f of readdirSync(debian).filter((f) => f.endsWith('.ko')))
  where[f.slice(0, -3)] = { ko: debian, readelf: debian };
for (const f of readdirSync(klpReadelf)) where[f.replace('.readelf.txt', '')] = { ko: samples, readelf: klpReadelf };
const modules = Object.keys(where);

async function open(name: string): Promise<ElfObject> {
  const bytes = new Uint8Array(readFileSync(new URL(`${name}.ko`, where[name]!.ko)));
  const result = await openModule(bytes, `${name}.ko`);
  if (!result.ok) throw new Error(result.error.message);
  return result.module.elf;
}

const readelf = (name: string) =>
  parseReadelfOutput(readFileSync(new URL(`${name}.readelf.txt`, where[name]!.readelf), 'utf8'));

test('the fixtures are six Debian modules and the four samples', () => {
  expect(modules.sort()).toEqual([
    'crc7',
    'dummy',
    'klp_demo_patch',
    'klp_demo_replace',
    'klp_demo_target',
    'klp_demo_target2',
    'nls_utf8',
    'tun',
    'veth',
    'vfat',
  ]);
});

describe.each(modules)('%s.ko decodes as readelf reads it', (name) => {
  test('header', async () => {
    const elf = await open(name);
    const h = readelf(name).header;
    expect(elf.header.type).toBe(1);
    expect(elf.header.machine).toBe(62);
    expect(`${elf.header.shoff} (bytes into file)`).toBe(h['Start of section headers']);
    expect(String(elf.header.shnum)).toBe(h['Number of section headers']);
    expect(String(elf.header.shstrndx)).toBe(h['Section header string table index']);
    expect(`${elf.header.shentsize} (bytes)`).toBe(h['Size of section headers']);
  });

  test('sections', async () => {
    const elf = await open(name);
    const expected = readelf(name).sections;
    expect(expected.length).toBe(elf.header.shnum);
    expect(
      elf.sections.map((s) => ({
        index: s.index,
        name: s.name,
        type: sectionTypeName(s.type),
        addr: s.addr,
        offset: s.offset,
        size: s.size,
        entsize: s.entsize,
        flags: sectionFlagLetters(s.flags),
        link: s.link,
        info: s.info,
        align: s.addralign,
      })),
    ).toEqual(expected);
  });

  test('symbols', async () => {
    const elf = await open(name);
    const expected = readelf(name).symbols;
    expect(expected.length).toBeGreaterThan(1);
    expect(
      elf.symbols.map((s) => ({
        index: s.index,
        value: s.value,
        size: s.size,
        type: symbolTypeName(s.type),
        bind: symbolBindName(s.bind),
        vis: symbolVisibilityName(s.visibility),
        ndx: readelfSectionIndex(s.shndx),
        // readelf names a section symbol after its section
        name: s.type === STT_SECTION && s.name === '' ? (elf.sections[s.shndx]?.name ?? '') : s.name,
      })),
    ).toEqual(expected);
  });

  test('relocations', async () => {
    const elf = await open(name);
    const expected = readelf(name).relocations;
    expect(expected.length).toBeGreaterThan(0);
    expect(elf.relocations.map((r) => r.name)).toEqual(expected.map((r) => r.name));
    for (const [k, rs] of elf.relocations.entries()) {
      const want = expected[k]!;
      expect(elf.sections[rs.sectionIndex]!.offset).toBe(want.offset);
      const got = Array.from({ length: rs.count }, (_, i) => {
        const sym = elf.symbols[rs.symbols[i]!]!;
        const entry: Record<string, unknown> = {
          offset: rs.offsets[i],
          info: (BigInt(rs.symbols[i]!) << 32n) | BigInt(rs.types[i]!),
          type: relocationTypeName(elf.header.machine, rs.types[i]!),
          addend: rs.addends[i],
        };
        if (rs.symbols[i] !== 0) {
          entry.symbolValue = sym.value;
          entry.symbolName = sym.type === STT_SECTION && sym.name === '' ? elf.sections[sym.shndx]!.name : sym.name;
        }
        return entry;
      });
      expect(got).toEqual(want.entries);
    }
  });
});

test("the Debian signature is recognised as kmod's modinfo shows it, and the ELF data ends where it starts", async () => {
  const elf = await open('veth');
  // `modinfo veth.ko` (kmod 30): signer, sig_key, sig_hashalgo
  expect(elf.signature).toMatchObject({
    idType: 2,
    signer: 'Build time autogenerated kernel key',
    keyId: '66:F5:4E:15:66:A0:43:CC:30:30:42:0E:18:1C:F8:50:FB:9F:42:AC',
    hashAlgorithm: 'sha256',
    signatureAlgorithm: 'rsaEncryption',
  });
  const lastSectionEnd = elf.sections.reduce((end, s) => {
    const e = s.type === 8 ? 0n : s.offset + s.size;
    return e > end ? e : end;
  }, 0n);
  expect(BigInt(elf.signature!.elfLength)).toBeGreaterThanOrEqual(lastSectionEnd);
  expect(elf.signature!.elfLength + elf.signature!.sigLength + 12 + 28).toBe(elf.fileSize);
});

test('.modinfo is decoded into key/value pairs in file order', async () => {
  const elf = await open('crc7');
  expect(elf.modinfo.map((e) => e.key)).toEqual(
    expect.arrayContaining(['license', 'description', 'depends', 'name', 'vermagic']),
  );
  expect(elf.modinfo.find((e) => e.key === 'name')?.value).toBe('crc7');
  expect(elf.isLivepatch).toBe(false);
});

test('livepatch ELF is decoded first-class: .klp.rela objects and sections, .klp.sym object/name/sympos', async () => {
  const elf = await open('klp_demo_patch');
  expect(elf.isLivepatch).toBe(true);
  expect(elf.modinfo.find((e) => e.key === 'livepatch')?.value).toBe('Y');
  expect(
    elf.relocations
      .filter((r) => r.klp)
      .map((r) => ({ name: r.name, klp: r.klp, target: elf.sections[r.targetSection]!.name, count: r.count })),
  ).toEqual([
    {
      name: '.klp.rela.klp_demo_target..text',
      klp: { object: 'klp_demo_target', section: '.text' },
      target: '.text',
      count: 3,
    },
    {
      name: '.klp.rela.klp_demo_target2..text',
      klp: { object: 'klp_demo_target2', section: '.text' },
      target: '.text',
      count: 2,
    },
    { name: '.klp.rela.vmlinux..text', klp: { object: 'vmlinux', section: '.text' }, target: '.text', count: 1 },
  ]);
  const klpSection = elf.sections.find((s) => s.name === '.klp.rela.vmlinux..text')!;
  expect(klpSection.flags).toBe(0x100042n); // SHF_RELA_LIVEPATCH | SHF_INFO_LINK | SHF_ALLOC
  expect(sectionFlagLetters(klpSection.flags)).toBe('AIo');
  expect(elf.symbols.filter((s) => s.shndx === 0xff20).map((s) => s.klp)).toEqual([
    { object: 'vmlinux', symbol: 'saved_command_line', sympos: 0, symposText: '0' },
    { object: 'klp_demo_target', symbol: 'klp_demo_reads', sympos: 0, symposText: '0' },
    { object: 'klp_demo_target2', symbol: 'klp_demo2_tag', sympos: 2, symposText: '2' },
    { object: 'klp_demo_target2', symbol: 'klp_demo2_level', sympos: 0, symposText: '0' },
    { object: 'klp_demo_target', symbol: 'klp_demo_greeting', sympos: 0, symposText: '0' },
    { object: 'klp_demo_target', symbol: 'klp_demo_greetings', sympos: 0, symposText: '0' },
  ]);
  expect(elf.signature).toBeUndefined(); // built here, not signed
});
