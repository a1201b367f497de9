// decodeRel() against objdump: on every executable section of the sample livepatch, the helpers
// fixture, the two targets and Debian's veth.ko, the same instruction boundaries, and the same branch and
// RIP-relative targets (objdump prints them as `call 0 <f>` / `# 20 <f>`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { SHF_EXECINSTR } from '../elf/constants.ts';
import { sectionBytes } from '../elf/section_bytes.ts';
import { decodeModule } from '../module_file.ts';
import { CodeIndex } from './text_model.ts';
import { relTarget } from './x86_refs.ts';

const root = new URL('../../', import.meta.url);

test.each([
  'public/samples/klp/klp_demo_patch.ko',
  'public/samples/klp/klp_demo_target.ko',
  'public/samples/klp/klp_demo_target2.ko',
  'src/klp_packaging/__fixtures__/klp_helpers_patch.ko',
  'public/samples/debian/veth.ko',
])('%s: instructions and relative targets as objdump decodes them', async (path) => {
  const file = new URL(path, root);
  const r = await decodeModule(new Uint8Array(readFileSync(file)), path);
  if (!r.ok) throw new Error(r.error.message);
  const { elf } = r.module;
  const code = new CodeIndex(r.bytes, elf);
  let checked = 0;
  for (const sec of elf.sections.filter((s) => s.flags & SHF_EXECINSTR && sectionBytes(r.bytes, s).length)) {
    const dump = spawnSync('objdump', ['-d', '-w', '-j', sec.name, file.pathname], { encoding: 'utf8' }).stdout;
    const theirs = new Map<number, string>();
    for (const line of dump.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(?:(?:cs|ds|notrack|bnd|data16|lock)\s+)*(\S+)\s*(.*)$/.exec(line);
      if (!m) continue;
      const [, at, mnemonic, ops] = m;
      const rip = /# ([0-9a-f]+) </.exec(ops!);
      const branch = /^(call|jmp|j[a-z]+|loop\w*|jrcxz)(,p[nt])?$/.test(mnemonic!) && /^([0-9a-f]+) </.exec(ops!);
      theirs.set(parseInt(at!, 16), rip ? rip[1]! : branch ? branch[1]! : '');
    }
    const ours = new Map(code.decode(sec.index).insns.map((i) => [i.offset, i.rel ? relTarget(i).toString(16) : '']));
    expect(ours, sec.name).toEqual(theirs);
    checked += ours.size;
  }
  expect(checked).toBeGreaterThan(20);
});
