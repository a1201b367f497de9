import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { elf_validity_check } from '../kernel/module/elf_check.ts';
import { openModule } from '../module_file.ts';
import { toEditable, writeElf } from './write.ts';

const dir = new URL('./__fixtures__/debian/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.ko'));

async function load(name: string) {
  const bytes = new Uint8Array(readFileSync(new URL(name, dir)));
  const r = await openModule(bytes, name);
  if (!r.ok) throw new Error(r.error.message);
  return { bytes, elf: r.module.elf };
}

test.each(names)('%s round-trips byte for byte, signature included', async (name) => {
  const { bytes, elf } = await load(name);
  const out = writeElf(toEditable(bytes, elf));
  expect(out.length).toBe(bytes.length);
  expect(Buffer.compare(out, bytes)).toBe(0);
});

test('a grown section moves what follows it, and the result is still a module the kernel accepts', async () => {
  const { bytes, elf } = await load('veth.ko');
  const image = toEditable(bytes, elf);
  const strtab = image.sections[elf.sections[elf.symtabIndex]!.link]!;
  const extra = new TextEncoder().encode('.klp.sym.vmlinux.example,0\0');
  const grown = new Uint8Array(strtab.data.length + extra.length);
  grown.set(strtab.data);
  grown.set(extra, strtab.data.length);
  strtab.data = grown;

  const out = writeElf(image, { keepTrailer: false });
  expect(elf_validity_check(out)).toBeNull();
  const r = await openModule(out, 'veth-edited.ko');
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  const edited = r.module.elf;
  expect(edited.signature).toBeUndefined();
  expect(edited.sections.map((s) => [s.name, s.type, s.flags, s.addralign, s.link, s.info])).toEqual(
    elf.sections.map((s) => [s.name, s.type, s.flags, s.addralign, s.link, s.info]),
  );
  expect(edited.symbols.map((s) => s.name)).toEqual(elf.symbols.map((s) => s.name));
  expect(edited.sections[strtab.header.index]!.size).toBe(BigInt(grown.length));
  for (const s of edited.sections) if (s.addralign > 1n) expect(s.offset % s.addralign).toBe(0n);
  // Every other section's bytes are unchanged wherever they landed.
  for (const s of edited.sections) {
    if (s.index === strtab.header.index || s.type === 8) continue;
    const before = elf.sections[s.index]!;
    expect(
      Buffer.compare(
        out.subarray(Number(s.offset), Number(s.offset + s.size)),
        bytes.subarray(Number(before.offset), Number(before.offset + before.size)),
      ),
    ).toBe(0);
  }
});
