// The packagings of package.ts (.klp.text.<obj>, and one module per object) on the real sample
// livepatch and on klp_helpers_patch (a fixture with static helpers linked by the assembler,
// see __fixtures__/): exact sections, relocation moves, readelf, the emulated 6.1 loader, and
// the semantic check — every moved function, loaded, still reaches the same symbols.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import { SHF_RELA_LIVEPATCH, SHN_ABS, SHN_LORESERVE, SIZEOF_RELA, STT_FILE, STT_SECTION } from '../elf/constants.ts';
import { sectionBytes } from '../elf/section_bytes.ts';
import type { ElfObject } from '../elf/types.ts';
import { parseKallsyms } from '../kernel/kallsyms.ts';
import { Kernel } from '../kernel/kernel.ts';
import { load_module } from '../kernel/module/main.ts';
import type { Module } from '../kernel/module/types.ts';
import { decodeModule } from '../module_file.ts';
import { klpPatchLayout } from './layout.ts';
import { packageKlpText, packageSplit } from './package.ts';
import { decodeRange } from './x86_refs.ts';

const root = new URL('../../', import.meta.url);
const file = (path: string) => new Uint8Array(readFileSync(new URL(path, root)));
const SAMPLE = 'public/samples/klp/klp_demo_patch.ko';
const HELPERS = 'src/klp_packaging/__fixtures__/klp_helpers_patch.ko';
const HELPERS_SPLIT = 'src/klp_packaging/__fixtures__/klp_helpers_split.ko';
const TARGETS = ['public/samples/klp/klp_demo_target.ko', 'public/samples/klp/klp_demo_target2.ko'];
const vmlinux = parseKallsyms(readFileSync(new URL('public/samples/vmlinux.kallsyms', root), 'utf8'));

async function open(bytes: Uint8Array, name: string): Promise<{ bytes: Uint8Array; elf: ElfObject }> {
  const r = await decodeModule(bytes, name);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return { bytes: r.bytes, elf: r.module.elf };
}
const openFile = (path: string) => open(file(path), path.split('/').at(-1)!);

const sectionRows = (elf: ElfObject) => elf.sections.slice(1).map((s) => `${s.name} ${s.size}`);
const relaCount = (elf: ElfObject, name: string) => elf.relocations.find((r) => r.name === name)?.count;

function readelfWarnings(bytes: Uint8Array): string {
  const dir = mkdtempSync(`${tmpdir()}/klp-packaging-`);
  writeFileSync(`${dir}/m.ko`, bytes);
  const r = spawnSync('readelf', ['-a', '-W', `${dir}/m.ko`], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stderr;
}

describe('klpPatchLayout', () => {
  test('the sample: three objects, their functions, no helpers', async () => {
    const { bytes, elf } = await openFile(SAMPLE);
    const l = klpPatchLayout(bytes, elf);
    expect(l.patch).toEqual({ section: '.data', offset: 0 });
    expect(l.replace).toBe(false);
    expect(
      l.objects.map((o) => [
        o.name,
        o.funcs.map((f) => [f.old_name, f.old_sympos, f.symbol, f.section, f.offset, f.size]),
      ]),
    ).toEqual([
      [null, [['cmdline_proc_show', 0, 'livepatch_cmdline_proc_show', '.text', 0xd0, 31]]],
      [
        'klp_demo_target',
        [
          ['klp_demo_greeting', 0, 'livepatch_klp_demo_greeting', '.text', 0, 47],
          ['klp_demo_target_describe', 0, 'livepatch_klp_demo_target_describe', '.text', 0x80, 70],
        ],
      ],
      ['klp_demo_target2', [['klp_demo2_format', 0, 'livepatch_klp_demo2_format', '.text', 0x60, 30]]],
    ]);
    expect(l.objects.flatMap((o) => o.helpers)).toEqual([]);
    expect(l.sharedHelpers).toEqual([]);
  });

  test('the atomic-replace sample: replace is read from the file', async () => {
    const { bytes, elf } = await openFile('public/samples/klp/klp_demo_replace.ko');
    const l = klpPatchLayout(bytes, elf);
    expect(l.replace).toBe(true);
    expect(l.objects.map((o) => o.name)).toEqual(['klp_demo_target']);
  });

  test('helpers go with the one object that uses them; shared ones stay', async () => {
    const { bytes, elf } = await openFile(HELPERS);
    const l = klpPatchLayout(bytes, elf);
    expect(l.objects.map((o) => [o.name, o.funcs.map((f) => f.symbol), o.helpers.map((h) => h.symbol)])).toEqual([
      [null, ['livepatch_cmdline_proc_show'], ['vm_helper']],
      [
        'klp_demo_target',
        ['livepatch_klp_demo_greeting', 'livepatch_klp_demo_target_describe'],
        ['t_helper2', 't_helper'],
      ],
      ['klp_demo_target2', ['livepatch_klp_demo2_format'], []],
    ]);
    expect(l.sharedHelpers.map((h) => [h.symbol, h.users])).toEqual([
      ['shared_count', ['klp_demo_target', 'klp_demo_target2', 'vmlinux']],
      ['core_helper', ['(module)', 'klp_demo_target']], // init calls it too
    ]);
  });
});

describe('packageKlpText', () => {
  test('the sample: sections, sizes, moved relocations', async () => {
    const { bytes, elf } = await openFile(SAMPLE);
    const p = packageKlpText(bytes, elf);
    const out = (await open(p.bytes, 'klp_demo_patch.ko')).elf;
    expect(sectionRows(out)).toEqual([
      '.note.gnu.build-id 36',
      '.note.Linux 60',
      '.text 48', // klp_demo_patch_exit and klp_demo_patch_init: .text compacted
      '.rela.text 120',
      '.klp.text.klp_demo_target 4096',
      '.rela.klp.text.klp_demo_target 120',
      '.klp.text.klp_demo_target2 4096',
      '.rela.klp.text.klp_demo_target2 72',
      '.klp.text.vmlinux 4096',
      '.rela.klp.text.vmlinux 96',
      '__mcount_loc 48',
      '.rela__mcount_loc 144',
      '.rodata.str1.8 34',
      '.rodata.str1.1 158',
      '.smp_locks 4',
      '.rela.smp_locks 24',
      '.modinfo 203',
      '.return_sites 12',
      '.rela.return_sites 72',
      '.orc_unwind 108',
      '.orc_unwind_ip 72',
      '.rela.orc_unwind_ip 432',
      '__versions 384',
      '.data 2000',
      '.rela.data 360',
      '.exit.data 8',
      '.rela.exit.data 24',
      '.init.data 8',
      '.rela.init.data 24',
      '.gnu.linkonce.this_module 896',
      '.rela.gnu.linkonce.this_module 48',
      '.bss 0',
      '.comment 80',
      '.note.GNU-stack 0',
      '.symtab 1008',
      '.strtab 964',
      '.shstrtab 737',
      '.klp.rela.klp_demo_target..klp.text.klp_demo_target 72',
      '.klp.rela.klp_demo_target2..klp.text.klp_demo_target2 48',
      '.klp.rela.vmlinux..klp.text.vmlinux 24',
    ]);
    for (const s of out.sections.filter((s) => s.name.startsWith('.klp.text.'))) {
      expect(s.flags).toBe(0x6n); // SHF_ALLOC | SHF_EXECINSTR
      expect(s.addralign).toBe(4096n);
    }
    for (const s of out.sections.filter((s) => s.name.startsWith('.klp.rela.')))
      expect(s.flags).toBe(0x2n | 0x40n | SHF_RELA_LIVEPATCH);
    // padding is int3
    const vm = out.sections.find((s) => s.name === '.klp.text.vmlinux')!;
    expect([...sectionBytes(p.bytes, vm).subarray(31)].every((b) => b === 0xcc)).toBe(true);

    expect(p.stats.movedFrom).toEqual({
      '.rela.text': 12,
      '.klp.rela.klp_demo_target..text': 3,
      '.klp.rela.klp_demo_target2..text': 2,
      '.klp.rela.vmlinux..text': 1,
    });
    // every table entry and klp_func.new_func follows its code
    expect(p.stats.retargeted).toEqual({
      '.rela__mcount_loc': 6,
      '.rela.smp_locks': 1,
      '.rela.return_sites': 3,
      '.rela.orc_unwind_ip': 18,
      '.rela.data': 4,
    });
    expect(p.stats.synthesized).toBe(0); // every call of the sample goes through a relocation
    expect(p.stats.textSize).toEqual({ before: 0xef, after: 48 });
    for (const name of [
      '.rela__mcount_loc',
      '.rela.smp_locks',
      '.rela.return_sites',
      '.rela.orc_unwind_ip',
      '.rela.data',
    ])
      expect(relaCount(out, name)).toBe(relaCount(elf, name));
    expect(p.sections).toEqual([
      {
        object: 'klp_demo_target',
        section: '.klp.text.klp_demo_target',
        size: 4096,
        used: 128,
        functions: ['livepatch_klp_demo_greeting', 'livepatch_klp_demo_target_describe'],
        relaSections: [
          { name: '.rela.klp.text.klp_demo_target', count: 5 },
          { name: '.klp.rela.klp_demo_target..klp.text.klp_demo_target', count: 3 },
        ],
        klpRelaSections: ['.klp.rela.klp_demo_target..klp.text.klp_demo_target'],
      },
      {
        object: 'klp_demo_target2',
        section: '.klp.text.klp_demo_target2',
        size: 4096,
        used: 32,
        functions: ['livepatch_klp_demo2_format'],
        relaSections: [
          { name: '.rela.klp.text.klp_demo_target2', count: 3 },
          { name: '.klp.rela.klp_demo_target2..klp.text.klp_demo_target2', count: 2 },
        ],
        klpRelaSections: ['.klp.rela.klp_demo_target2..klp.text.klp_demo_target2'],
      },
      {
        object: 'vmlinux',
        section: '.klp.text.vmlinux',
        size: 4096,
        used: 31,
        functions: ['livepatch_cmdline_proc_show'],
        relaSections: [
          { name: '.rela.klp.text.vmlinux', count: 4 },
          { name: '.klp.rela.vmlinux..klp.text.vmlinux', count: 1 },
        ],
        klpRelaSections: ['.klp.rela.vmlinux..klp.text.vmlinux'],
      },
    ]);
    // the symbol table keeps its order; moved functions now live in their new sections
    expect(out.symbols.map((s) => s.name)).toEqual(elf.symbols.map((s) => s.name));
    const sec = (name: string) => out.sections[out.symbols.find((s) => s.name === name)!.shndx]!.name;
    expect(sec('livepatch_cmdline_proc_show')).toBe('.klp.text.vmlinux');
    expect(sec('livepatch_klp_demo_target_describe')).toBe('.klp.text.klp_demo_target');
    expect(sec('init_module')).toBe('.text');
    // the layout read back from the packaged file names the same functions
    const again = klpPatchLayout(p.bytes, out);
    expect(again.objects.map((o) => o.funcs.map((f) => [f.symbol, f.section]))).toEqual([
      [['livepatch_cmdline_proc_show', '.klp.text.vmlinux']],
      [
        ['livepatch_klp_demo_greeting', '.klp.text.klp_demo_target'],
        ['livepatch_klp_demo_target_describe', '.klp.text.klp_demo_target'],
      ],
      [['livepatch_klp_demo2_format', '.klp.text.klp_demo_target2']],
    ]);
  });

  test('the helpers fixture: helpers move, assembler-resolved calls across sections get relocations', async () => {
    const { bytes, elf } = await openFile(HELPERS);
    const p = packageKlpText(bytes, elf);
    expect(p.sections.map((s) => [s.section, s.used, s.functions, s.relaSections])).toEqual([
      [
        '.klp.text.klp_demo_target',
        0xd0,
        ['t_helper2', 'livepatch_klp_demo_greeting', 't_helper', 'livepatch_klp_demo_target_describe'],
        [{ name: '.rela.klp.text.klp_demo_target', count: 14 }],
      ],
      [
        '.klp.text.klp_demo_target2',
        0x30,
        ['livepatch_klp_demo2_format'],
        [{ name: '.rela.klp.text.klp_demo_target2', count: 4 }],
      ],
      [
        '.klp.text.vmlinux',
        0x47,
        ['vm_helper', 'livepatch_cmdline_proc_show'],
        [{ name: '.rela.klp.text.vmlinux', count: 7 }],
      ],
    ]);
    // 4 calls of shared_count and 1 of core_helper now cross sections; t_helper→t_helper2,
    // describe's lea of t_helper2 and its short tail jump, cmdline→vm_helper, and the two
    // shared_count loop jumps stay inside one section and are re-encoded.
    expect(p.stats.synthesized).toBe(5);
    expect(p.stats.reencoded).toBe(6);
    expect(p.stats.movedFrom).toEqual({ '.rela.text': 20 });
    expect(p.stats.textSize).toEqual({ before: 0x177, after: 0x30 });
    const out = (await open(p.bytes, 'klp_helpers_patch.ko')).elf;
    // init's references into .text: `cmpb $1, greeting(%rip)` (imm8 after the field: addend -5)
    // now reaches the moved function, `call core_helper` the compacted .text
    const init = out.relocations.find((r) => r.name === '.rela.init.text')!;
    const symName = (i: number) => out.symbols[i]!.name || out.sections[out.symbols[i]!.shndx]!.name;
    const row = (i: number) => `${symName(init.symbols[i]!)}${init.addends[i]! < 0n ? '' : '+'}${init.addends[i]}`;
    expect([row(1), row(2)]).toEqual(['livepatch_klp_demo_greeting-5', '.text+28']);
    expect(readelfWarnings(p.bytes)).toBe('');
  });

  test('readelf reads the packaged sample without a warning', async () => {
    const { bytes, elf } = await openFile(SAMPLE);
    expect(readelfWarnings(packageKlpText(bytes, elf).bytes)).toBe('');
  });
});

// ---- semantic equivalence in the emulated kernel ------------------------------------------

/** Every named symbol of the kernel and its modules, by address (module names normalised). */
function symbolizer(k: Kernel, rename: (module: string) => string) {
  const syms: Array<{ addr: bigint; end: bigint; name: string }> = [];
  for (const e of k.vmlinux.entries) syms.push({ addr: e.addr, end: e.addr + 1n, name: e.name });
  const sections: Array<{ addr: bigint; end: bigint; name: string }> = [];
  for (const m of k.modules) {
    if (m.state === null) continue;
    const info = m.info;
    // only what lives in the core region: init memory is freed (and reused) by now
    const core = (a: bigint) => a >= m.core_layout.base && a < m.core_layout.base + BigInt(m.core_layout.size);
    info.elf.symbols.forEach((s, i) => {
      if (!s.name || s.type === STT_SECTION || s.type === STT_FILE || s.shndx === 0 || s.shndx >= SHN_LORESERVE) return;
      const addr = m.symbolValues[i]!;
      if (core(addr)) syms.push({ addr, end: addr + (s.size || 1n), name: `${rename(m.name)}:${s.name}` });
    });
    info.sechdrs.forEach((s, i) => {
      if (
        i &&
        s.flags & 2n &&
        core(s.addr) &&
        !['.text', '.symtab', '.strtab'].includes(s.name) &&
        !s.name.startsWith('.klp.text')
      )
        sections.push({ addr: s.addr, end: s.addr + BigInt(s.size), name: `${rename(m.name)}:${s.name}` });
    });
  }
  return (a: bigint): string => {
    const hit = syms.filter((s) => s.addr <= a && a < s.end).sort((x, y) => (x.addr > y.addr ? -1 : 1))[0];
    if (hit) return hit.addr === a ? hit.name : `${hit.name}+${a - hit.addr}`;
    const sec = sections.find((s) => s.addr <= a && a < s.end);
    if (sec) return `${sec.name}+${a - sec.addr}`;
    return `?${a.toString(16)}`;
  };
}

/** What each instruction of a loaded function refers to: rel32/rel8/RIP-relative targets and 32-bit absolute addresses. */
function semantics(k: Kernel, m: Module, fn: string, name: (a: bigint) => string): string[] {
  const sym = m.info.elf.symbols.find((s) => s.name === fn)!;
  const addr = m.symbolValues[sym.index]!;
  const code = k.mem.read(addr, Number(sym.size));
  return decodeRange(code, 0, code.length).map((insn) => {
    const bytes = [...code.subarray(insn.offset, insn.offset + insn.length)];
    let what = insn.opcode.map((b) => b.toString(16)).join(' ');
    if (insn.rel) what += ` -> ${name(addr + BigInt(insn.offset + insn.length + insn.rel.disp))}`;
    else {
      // an absolute 32-bit address (R_X86_64_32S) as the last field: an immediate or a disp32
      const raw = bytes.map((b) => b.toString(16));
      const p = insn.length === 10 ? 0 : bytes.length - 4; // not movabs imm64
      const v =
        p > 0 ? BigInt.asUintN(64, BigInt(new DataView(new Uint8Array(bytes.slice(p)).buffer).getInt32(0, true))) : 0n;
      if (v >= 0xffffffff80000000n && v < 0xffffffffff000000n) raw.splice(p, 4, `<${name(v)}>`);
      what += ` [${raw.join(' ')}]`;
    }
    return what;
  });
}

async function bootWith(patches: Array<{ bytes: Uint8Array; name: string }>, coreBase?: bigint) {
  const k = new Kernel({ vmlinux });
  for (const t of TARGETS) {
    const { bytes, elf } = await openFile(t);
    expect(load_module(k, bytes, elf).ok).toBe(true);
  }
  const mods: Module[] = [];
  for (const [i, p] of patches.entries()) {
    const { bytes, elf } = await open(p.bytes, `${p.name}.ko`);
    const r = load_module(k, bytes, elf, i === 0 && coreBase ? { coreBase } : {});
    if (!r.ok) throw new Error(`${p.name}: ${r.error?.message}`);
    mods.push(r.module!);
  }
  return { k, mods };
}

const movedFunctions = (elf: ElfObject, bytes: Uint8Array) =>
  klpPatchLayout(bytes, elf).objects.flatMap((o) => [
    ...o.funcs.map((f) => f.symbol),
    ...o.helpers.map((h) => h.symbol),
  ]);

describe('semantic equivalence after loading', () => {
  test.each([
    ['the sample', SAMPLE],
    ['the helpers fixture', HELPERS],
  ])('%s: every moved function reaches the same symbols as before (packageKlpText)', async (_, path) => {
    const { bytes, elf } = await openFile(path);
    const name = elf.modinfo.find((e) => e.key === 'name')!.value;
    const packaged = packageKlpText(bytes, elf).bytes;
    const before = await bootWith([{ bytes, name }]);
    // the packaged module at another base: relocation, not luck, makes the targets match
    const after = await bootWith([{ bytes: packaged, name }], 0xffffffffc0400000n);
    expect(after.mods[0]!.core_layout.base).not.toBe(before.mods[0]!.core_layout.base);
    const same = (m: string) => m;
    let references = 0;
    for (const fn of [
      ...movedFunctions(elf, bytes),
      ...klpPatchLayout(bytes, elf).sharedHelpers.map((h) => h.symbol),
    ]) {
      const a = semantics(before.k, before.mods[0]!, fn, symbolizer(before.k, same));
      const b = semantics(after.k, after.mods[0]!, fn, symbolizer(after.k, same));
      expect(b, fn).toEqual(a);
      expect(a.filter((x) => x.includes('?'))).toEqual([]);
      references += a.filter((x) => x.includes('->') || x.includes('<')).length;
    }
    expect(references).toBeGreaterThan(5);
    // the livepatch is enabled the same way: same objects, functions, patched state
    expect(after.k.modules.at(-1)!.state).toBe('LIVE');
  });

  test.each([
    ['the sample', SAMPLE],
    ['the split fixture', HELPERS_SPLIT],
  ])('%s: split modules load (targets first) and their functions reach the same symbols', async (_, path) => {
    const { bytes, elf } = await openFile(path);
    const s = packageSplit(bytes, elf);
    const before = await bootWith([{ bytes, name: s.patchName }]);
    const after = await bootWith(s.modules.map((m) => ({ bytes: m.bytes, name: m.name })));
    expect(after.mods.map((m) => [m.name, m.state])).toEqual(s.modules.map((m) => [m.name, 'LIVE']));
    const norm = (m: string) => (m.startsWith(s.patchName) ? 'PATCH' : m);
    for (const [i, m] of s.modules.entries())
      for (const o of m.objects)
        for (const f of o.funcs) {
          const a = semantics(before.k, before.mods[0]!, f.new_func, symbolizer(before.k, norm));
          const b = semantics(after.k, after.mods[i]!, f.new_func, symbolizer(after.k, norm));
          expect(b, `${m.name}:${f.new_func}`).toEqual(a);
        }
  });
});

describe('packageSplit', () => {
  test('the sample: a main module for vmlinux and one per target, named <patch>__<obj>', async () => {
    const { bytes, elf } = await openFile(SAMPLE);
    const s = packageSplit(bytes, elf);
    expect(s.modules.map((m) => [m.name, m.main, m.objects])).toEqual([
      [
        'klp_demo_patch',
        true,
        [
          {
            object: 'vmlinux',
            funcs: [{ old_name: 'cmdline_proc_show', old_sympos: 0, new_func: 'livepatch_cmdline_proc_show' }],
          },
        ],
      ],
      [
        'klp_demo_patch__klp_demo_target',
        false,
        [
          {
            object: 'klp_demo_target',
            funcs: [
              { old_name: 'klp_demo_greeting', old_sympos: 0, new_func: 'livepatch_klp_demo_greeting' },
              { old_name: 'klp_demo_target_describe', old_sympos: 0, new_func: 'livepatch_klp_demo_target_describe' },
            ],
          },
        ],
      ],
      [
        'klp_demo_patch__klp_demo_target2',
        false,
        [
          {
            object: 'klp_demo_target2',
            funcs: [{ old_name: 'klp_demo2_format', old_sympos: 0, new_func: 'livepatch_klp_demo2_format' }],
          },
        ],
      ],
    ]);
    for (const m of s.modules) {
      const out = (await open(m.bytes, `${m.name}.ko`)).elf;
      expect(readelfWarnings(m.bytes)).toBe('');
      expect(out.modinfo.find((e) => e.key === 'name')!.value).toBe(m.name);
      const thisModule = out.sections.find((s) => s.name === '.gnu.linkonce.this_module')!;
      const raw = sectionBytes(m.bytes, thisModule).subarray(24, 24 + 56);
      expect(new TextDecoder().decode(raw.subarray(0, raw.indexOf(0)))).toBe(m.name);
      expect(out.modinfo.find((e) => e.key === 'livepatch')?.value).toBe('Y');
      // only its own objects' code, relocations and klp_patch.objs entries
      const objects = m.objects.map((o) => o.object);
      expect(out.sections.filter((x) => x.name.startsWith('.klp.text.')).map((x) => x.name)).toEqual(
        objects.map((o) => `.klp.text.${o}`),
      );
      expect(out.relocations.filter((r) => r.klp).map((r) => r.name)).toEqual(
        objects.map((o) => `.klp.rela.${o}..klp.text.${o}`),
      );
      expect(klpPatchLayout(m.bytes, out).objects.map((o) => o.name ?? 'vmlinux')).toEqual(objects);
      expect(m.keptInText).toEqual(['klp_demo_patch_exit', 'klp_demo_patch_init']);
      // symbols of the other objects' functions stay in place, SHN_ABS 0: no index changes
      expect(out.symbols.length).toBe(elf.symbols.length);
      for (const d of m.dropped) expect(out.symbols.find((x) => x.name === d)!.shndx).toBe(SHN_ABS);
      // one table entry per function still there
      const mcount = out.sections.find((x) => x.name === '__mcount_loc')!;
      expect(Number(mcount.size) / 8).toBe(2 + m.objects.reduce((n, o) => n + o.funcs.length, 0));
      expect(relaCount(out, '.rela__mcount_loc')).toBe(Number(mcount.size) / 8);
      const orcIp = out.sections.find((x) => x.name === '.orc_unwind_ip')!;
      const orc = out.sections.find((x) => x.name === '.orc_unwind')!;
      expect(Number(orc.size) / 6).toBe(Number(orcIp.size) / 4);
    }
    expect(s.duplicated).toEqual([]);
  });

  test('the split fixture: shared helpers are duplicated into every module that calls them', async () => {
    const { bytes, elf } = await openFile(HELPERS_SPLIT);
    const s = packageSplit(bytes, elf);
    expect(s.modules.map((m) => [m.name, m.keptInText, m.dropped])).toEqual([
      [
        'klp_helpers_split',
        ['shared_count', 'core_helper'],
        [
          't_helper2',
          'livepatch_klp_demo_greeting',
          'livepatch_klp_demo2_format',
          't_helper',
          'livepatch_klp_demo_target_describe',
        ],
      ],
      [
        'klp_helpers_split__klp_demo_target',
        ['shared_count', 'core_helper'],
        ['livepatch_klp_demo2_format', 'vm_helper', 'livepatch_cmdline_proc_show'],
      ],
      [
        'klp_helpers_split__klp_demo_target2',
        ['shared_count', 'core_helper'],
        [
          't_helper2',
          'livepatch_klp_demo_greeting',
          't_helper',
          'livepatch_klp_demo_target_describe',
          'vm_helper',
          'livepatch_cmdline_proc_show',
        ],
      ],
    ]);
    expect(s.duplicated).toEqual([
      { symbol: 'shared_count', modules: s.modules.map((m) => m.name) },
      { symbol: 'core_helper', modules: s.modules.map((m) => m.name) },
    ]);
    for (const m of s.modules) expect(readelfWarnings(m.bytes)).toBe('');
  });

  test("init code that refers to another object's function cannot be split", async () => {
    const { bytes, elf } = await openFile(HELPERS);
    expect(() => packageSplit(bytes, elf)).toThrow('.init.text+0x9: code refers to dropped code at .text+0x40');
  });
});

test('relocation sections keep whole entries', async () => {
  const { bytes, elf } = await openFile(SAMPLE);
  const out = (await open(packageKlpText(bytes, elf).bytes, 'p.ko')).elf;
  for (const r of out.relocations) expect(Number(out.sections[r.sectionIndex]!.size) % SIZEOF_RELA).toBe(0);
});
