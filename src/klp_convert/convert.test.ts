// klp-convert on the real sample livepatch: the result is what the committed (and
// real-kernel-proven, truth/v6.1/converted-livepatch) module holds, byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, test } from 'vitest';
import { SHN_LIVEPATCH, SHN_UNDEF } from '../elf/constants.ts';
import { openModule } from '../module_file.ts';
import { klpConvert } from './convert.ts';
import { moduleSymbolSource, type SymbolSource, vmlinuxFromKallsyms } from './symbol_sources.ts';

const samples = new URL('../../public/samples/klp/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, samples)));

async function open(name: string) {
  const bytes = read(name);
  const r = await openModule(bytes, name.split('/').at(-1)!);
  if (!r.ok) throw new Error(r.error.message);
  return { bytes, elf: r.module.elf };
}

async function sources(): Promise<SymbolSource[]> {
  return [
    vmlinuxFromKallsyms(
      readFileSync(new URL('../../truth/v6.1/vmlinux-kallsyms/vmlinux.kallsyms', import.meta.url), 'utf8'),
    ),
    moduleSymbolSource((await open('klp_demo_target.ko')).elf),
    moduleSymbolSource((await open('klp_demo_target2.ko')).elf),
  ];
}

test.each(['klp_demo_patch', 'klp_demo_replace'])(
  '%s converts to the committed module, byte for byte',
  async (name) => {
    const { bytes, elf } = await open(`unconverted/${name}.ko`);
    const result = klpConvert(bytes, elf, { sources: await sources() });
    if (!result.ok) throw new Error(result.error);
    expect(Buffer.compare(result.bytes, read(`${name}.ko`))).toBe(0);
  },
);

test('the converted patch has the livepatch symbols and sections the kernel resolved', async () => {
  const { bytes, elf } = await open('unconverted/klp_demo_patch.ko');
  const result = klpConvert(bytes, elf, { sources: await sources() });
  if (!result.ok) throw new Error(result.error);
  expect(result.symbols.map((s) => s.klpName)).toEqual([
    '.klp.sym.vmlinux.saved_command_line,0',
    '.klp.sym.klp_demo_target.klp_demo_reads,0',
    '.klp.sym.klp_demo_target2.klp_demo2_tag,2', // annotated with KLP_MODULE_RELOC: two such statics
    '.klp.sym.klp_demo_target2.klp_demo2_level,0',
    '.klp.sym.klp_demo_target.klp_demo_greeting,0',
    '.klp.sym.klp_demo_target.klp_demo_greetings,0',
  ]);
  expect(result.klpSections).toEqual([
    '.klp.rela.klp_demo_target..text',
    '.klp.rela.klp_demo_target2..text',
    '.klp.rela.vmlinux..text',
  ]);

  const r = await openModule(result.bytes, 'klp_demo_patch.ko');
  if (!r.ok) throw new Error(r.error.message);
  const out = r.module.elf;
  // exported symbols stay for the loader; no annotation section survives
  expect(
    out.symbols
      .filter((s) => s.index > 0 && s.shndx === SHN_UNDEF)
      .map((s) => s.name)
      .sort(),
  ).toEqual(['__fentry__', '__x86_return_thunk', 'klp_enable_patch', 'scnprintf', 'seq_printf']);
  expect(out.sections.some((s) => s.name.includes('module_relocs'))).toBe(false);
  expect(out.symbols.filter((s) => s.shndx === SHN_LIVEPATCH).map((s) => s.klp)).toContainEqual({
    object: 'klp_demo_target2',
    symbol: 'klp_demo2_tag',
    sympos: 2,
    symposText: '2',
  });
  // every relocation moved keeps its site, type and addend
  const before = elf.relocations.find((x) => x.name === '.rela.text')!;
  const moved = out.relocations.filter((x) => x.klp);
  const after = out.relocations.find((x) => x.name === '.rela.text')!;
  expect(after.count + moved.reduce((n, x) => n + x.count, 0)).toBe(before.count);
  const site = (x: typeof before, i: number) => `${x.offsets[i]}:${x.types[i]}:${x.addends[i]}`;
  const all = [after, ...moved].flatMap((x) => Array.from({ length: x.count }, (_, i) => site(x, i))).sort();
  expect(all).toEqual(Array.from({ length: before.count }, (_, i) => site(before, i)).sort());
});

test('readelf reads the converted module without a warning', async () => {
  const dir = mkdtempSync(`${tmpdir()}/klp-convert-`);
  writeFileSync(`${dir}/p.ko`, read('klp_demo_patch.ko'));
  const r = spawnSync('readelf', ['-a', '-W', `${dir}/p.ko`], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain("Relocation section '.klp.rela.vmlinux..text'");
});

test('an ambiguous name without an annotation is refused, naming the candidates', async () => {
  const { bytes, elf } = await open('unconverted/klp_demo_patch.ko');
  const src = await sources();
  // the same name in two objects
  src.push({ object: 'other_module', names: ['klp_demo_reads'] });
  const result = klpConvert(bytes, elf, { sources: src });
  expect(result).toEqual({
    ok: false,
    error: 'klp_demo_reads: ambiguous (1 in klp_demo_target, 1 in other_module); say which with KLP_MODULE_RELOC',
  });
});

test('a symbol no object defines is refused', async () => {
  const { bytes, elf } = await open('unconverted/klp_demo_patch.ko');
  const src = (await sources()).filter((s) => s.object !== 'klp_demo_target');
  expect(klpConvert(bytes, elf, { sources: src })).toEqual({
    ok: false,
    error: 'klp_demo_reads: not exported and not found in vmlinux, klp_demo_target2',
  });
});
