// parseRecording() on the real recordings of truth/v6.1 and truth/v6.12 (capture-*), with exact values
// from those kernels, and on hostile input: truncated, edited, garbage, huge lines, random mutations.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH, parseRecording, RecordingError } from './parse.ts';
import type { Recording, RecordingEvent } from './types.ts';

const text = (k: '6.1' | '6.12', s: string) =>
  readFileSync(new URL(`../../truth/v${k}/capture-${s}/recording.txt`, import.meta.url), 'utf8');
const rec = (k: '6.1' | '6.12', s: string) => parseRecording(text(k, s));

/** The set_memory_* calls whose pages belong to module `m`, one line each: fn region+offset pages caller part. */
function setMemoryOn(r: Recording, m: string, from = 0, to = Infinity): string[] {
  return r.events
    .filter(
      (e): e is RecordingEvent & { kind: 'set-memory' } => e.kind === 'set-memory' && e.line >= from && e.line <= to,
    )
    .filter((e) => e.meaning.place.kind === 'allocation' && e.meaning.place.module === m)
    .map((e) => {
      const p = e.meaning.place as { region: string | null; offset: number };
      const ai = e.meaning.afterInit === null ? '' : `(${e.meaning.afterInit ? 1 : 0})`;
      const part = e.meaning.part ? ` ${e.meaning.part}` : '';
      return `${e.fn} ${p.region}+0x${p.offset.toString(16)} ${e.pages} ${e.meaning.caller}${ai}${part}`;
    });
}

/** Throws the RecordingError that parsing gives, or fails. */
function error(t: string): RecordingError {
  try {
    parseRecording(t);
  } catch (e) {
    if (e instanceof RecordingError) return e;
    throw e;
  }
  throw new Error('parsed without an error');
}

const PROBED_6_1 = [
  'module_load',
  'module_free',
  'console',
  'sys_enter_finit_module',
  'sys_exit_finit_module',
  'sys_enter_init_module',
  'sys_exit_init_module',
  'sys_enter_delete_module',
  'sys_exit_delete_module',
  'set_memory_ro',
  'set_memory_rw',
  'set_memory_x',
  'set_memory_nx',
  'module_alloc',
  'module_alloc_ret',
  'module_memfree',
  'module_enable_ro',
  'module_enable_nx',
  'module_enable_x',
  'module_finalize',
  'do_init_module',
  'do_free_init',
  'free_module',
  'apply_relocate_add',
  'klp_apply_section_relocs',
  'klp_init_object_loaded',
  'klp_enable_patch',
  'klp_module_coming',
  'klp_module_going',
  'klp_patch_object',
  'klp_unpatch_object',
  'klp_init_transition',
  'klp_start_transition',
  'klp_try_complete_transition',
  'klp_complete_transition',
  'text_poke',
  'text_poke_copy',
  'text_poke_early',
  'text_poke_bp',
  'text_poke_queue',
  'text_poke_finish',
  'text_poke_sync',
];
const PROBED_6_12 = [
  'module_load',
  'module_free',
  'console',
  'sys_enter_finit_module',
  'sys_exit_finit_module',
  'sys_enter_init_module',
  'sys_exit_init_module',
  'sys_enter_delete_module',
  'sys_exit_delete_module',
  'set_memory_ro',
  'set_memory_rw',
  'set_memory_x',
  'set_memory_nx',
  'set_memory_rox',
  'execmem_alloc',
  'execmem_alloc_ret',
  'execmem_free',
  'module_enable_text_rox',
  'module_enable_rodata_ro',
  'module_enable_data_nx',
  'module_finalize',
  'do_init_module',
  'do_free_init',
  'free_module',
  'apply_relocate_add',
  'clear_relocate_add',
  'klp_apply_section_relocs',
  'klp_write_section_relocs',
  'klp_init_object_loaded',
  'klp_enable_patch',
  'klp_module_coming',
  'klp_module_going',
  'klp_patch_object',
  'klp_unpatch_object',
  'klp_init_transition',
  'klp_start_transition',
  'klp_try_complete_transition',
  'klp_complete_transition',
  'sched_dynamic_klp_enable',
  'sched_dynamic_klp_disable',
  'text_poke',
  'text_poke_copy',
  'text_poke_copy_locked',
  'text_poke_set',
  'text_poke_early',
  'text_poke_bp',
  'text_poke_queue',
  'text_poke_finish',
  'text_poke_sync',
];
const NOTRACE = ['ftrace_module_init', 'ftrace_module_enable', 'ftrace_release_mod', 'arch_ftrace_update_trampoline'];

describe('the real recordings', () => {
  for (const k of ['6.1', '6.12'] as const) {
    for (const s of ['target-first', 'late-load', 'reload']) {
      it(`${k} ${s}: opens, complete, no warnings; the kernel, the command and the end state`, () => {
        const r = rec(k, s);
        expect(r.kernel.release).toBe(k === '6.1' ? '6.1.0-56-amd64' : '6.12.118+deb12-amd64');
        expect(r.kernel.version).toEqual(
          k === '6.1' ? { major: 6, minor: 1, patch: 192 } : { major: 6, minor: 12, patch: 118 },
        );
        expect(r.kernel.machine).toBe('x86_64');
        expect(r.kernel.lockdown).toBe('none');
        expect(r.capture.rc).toBe(0);
        expect(r.capture.stoppedBy).toBeNull();
        expect(r.capture.fetchArgs).toBe('argN');
        expect(r.capture.command).toMatch(/^sh -c kmodsys i \/mods\//);
        expect(r.capture.entries!.inBuffer).toBe(r.capture.entries!.written); // nothing lost
        expect(r.warnings).toEqual([]);
        expect(r.config.source).toBe(`/boot/config-${r.kernel.release}`);
        expect(r.config.options.LIVEPATCH).toBe('y');
        expect(r.config.options.STRICT_MODULE_RWX).toBe('y');
        expect(r.modulesBefore).toEqual([]);
        // the markers frame the trace
        expect(r.events[0]).toMatchObject({ kind: 'marker', text: 'klp-capture: start' });
        expect(r.events.at(-1)).toMatchObject({ kind: 'marker', text: 'klp-capture: end' });
        // which probes each kernel took, and which it refused
        const ok = r.capture.probes.filter((p) => p.status === 'ok').map((p) => p.event);
        expect(ok).toEqual(k === '6.1' ? PROBED_6_1 : PROBED_6_12);
        const refused = r.capture.probes.filter((p) => p.status === 'refused');
        expect(refused.map((p) => p.event).sort()).toEqual(
          [...NOTRACE, 'klp_apply_object_relocs', ...(k === '6.12' ? ['klp_clear_object_relocs'] : [])].sort(),
        );
        for (const p of refused.filter((p) => NOTRACE.includes(p.event))) {
          expect(p.reason).toContain(`Could not probe notrace function ${p.event}`);
        }
        expect(r.capture.probes.find((p) => p.event === 'text_poke_bp')!.filter).toBe('addr >= 0xffffffffa0000000');
        // every livepatch sysfs file says the patch is enabled and the transition over
        expect(r.livepatch.find((x) => x.path === 'klp_demo_patch/enabled')!.value).toBe('1');
        expect(r.livepatch.find((x) => x.path === 'klp_demo_patch/transition')!.value).toBe('0');
      });
    }
  }

  it('6.1 late-load: the exact set_memory_* sequence on the patch module, and none when its target arrives', () => {
    const r = rec('6.1', 'late-load');
    const [enter1, enter2] = r.events.filter((e) => e.kind === 'syscall-enter').map((e) => e.line);
    const exit2 = r.events.filter((e) => e.kind === 'syscall-exit')[1]!.line;
    expect(setMemoryOn(r, 'klp_demo_patch', enter1, enter2)).toEqual([
      // complete_formation(): module_enable_ro(false), module_enable_nx(), module_enable_x()
      'set_memory_ro core+0x0 1 module_enable_ro(0) text',
      'set_memory_ro core+0x1000 1 module_enable_ro(0) rodata',
      'set_memory_ro init+0x0 0 module_enable_ro(0) text',
      'set_memory_ro init+0x0 0 module_enable_ro(0) rodata',
      'set_memory_nx core+0x1000 1 module_enable_nx rodata',
      'set_memory_nx core+0x2000 0 module_enable_nx ro_after_init',
      'set_memory_nx core+0x2000 2 module_enable_nx data',
      'set_memory_nx init+0x0 0 module_enable_nx rodata',
      'set_memory_nx init+0x0 2 module_enable_nx data',
      'set_memory_x core+0x0 1 module_enable_x text',
      'set_memory_x init+0x0 0 module_enable_x text',
      // do_init_module(): module_enable_ro(true), the last call a tail call (the stack skips module_enable_ro)
      'set_memory_ro core+0x0 1 module_enable_ro(1) text',
      'set_memory_ro core+0x1000 1 module_enable_ro(1) rodata',
      'set_memory_ro init+0x0 0 module_enable_ro(1) text',
      'set_memory_ro init+0x0 0 module_enable_ro(1) rodata',
      'set_memory_ro core+0x2000 0 module_enable_ro(1) ro_after_init',
    ]);
    // late module patching on 6.1 writes the patch's .klp.rela.klp_demo_target sites with text_poke(),
    // the patch's pages stay read-only: no set_memory_* on them at all while the target loads
    expect(setMemoryOn(r, 'klp_demo_patch', enter2, exit2)).toEqual([]);
    const pokes = r.events.filter(
      (e) => e.kind === 'text-poke' && e.fn === 'text_poke' && e.line > enter2! && e.line < exit2,
    );
    expect(pokes.map((e) => e.kind === 'text-poke' && [e.fn, e.place, e.len, e.stack!.slice(0, 3)])).toEqual(
      [0x26, 0x9a, 0xa6].map((offset) => [
        'text_poke',
        { kind: 'allocation', allocation: 0, module: 'klp_demo_patch', region: 'core', offset },
        4,
        ['apply_relocate_add', 'klp_apply_section_relocs', 'klp_init_object_loaded'],
      ]),
    );
    // the patch's core is where /proc/modules says; its init allocation, freed after init, became a trampoline
    const [core, init] = r.allocations;
    expect(core).toMatchObject({
      fn: 'module_alloc',
      addr: 0xffffffffc0203000n,
      size: 16384,
      module: 'klp_demo_patch',
      region: 'core',
      freedLine: null,
    });
    expect(r.modules.find((m) => m.name === 'klp_demo_patch')).toMatchObject({
      base: 0xffffffffc0203000n,
      size: 16384,
      taints: 'OEK',
    });
    expect(init).toMatchObject({ addr: 0xffffffffc0208000n, size: 8192, region: 'init', freedLine: 459 });
    expect(r.allocations.filter((a) => a.addr === 0xffffffffc0208000n).map((a) => a.purpose)).toEqual([
      'module',
      'ftrace-trampoline',
    ]);
  });

  it('6.12 late-load: one call per MOD_* allocation of the patch, its text read-only and executable at once', () => {
    const r = rec('6.12', 'late-load');
    expect(setMemoryOn(r, 'klp_demo_patch')).toEqual([
      'set_memory_ro MOD_RODATA+0x0 1 module_enable_rodata_ro(0)',
      'set_memory_nx MOD_DATA+0x0 2 module_enable_data_nx',
      'set_memory_nx MOD_RODATA+0x0 1 module_enable_data_nx',
      'set_memory_nx MOD_INIT_DATA+0x0 1 module_enable_data_nx',
      'set_memory_rox MOD_TEXT+0x0 1 module_enable_text_rox',
      'set_memory_ro MOD_RODATA+0x0 1 module_enable_rodata_ro(1)',
    ]);
    expect(
      r.allocations.filter((a) => a.module === 'klp_demo_patch').map((a) => [a.region, a.execmemType, a.size]),
    ).toEqual([
      ['MOD_TEXT', 0, 4096],
      ['MOD_DATA', 4, 8192],
      ['MOD_RODATA', 4, 4096],
      ['MOD_INIT_DATA', 4, 4096],
    ]);
    // ftrace trampolines: set_memory_rox on 6.12 (set_memory_ro + set_memory_x on 6.1)
    const tramp = r.events.filter(
      (e) => e.kind === 'set-memory' && e.meaning.caller === 'arch_ftrace_update_trampoline',
    );
    expect(tramp.map((e) => e.kind === 'set-memory' && [e.fn, e.pages])).toEqual([
      ['set_memory_rox', 1],
      ['set_memory_rox', 1],
      ['set_memory_rox', 1],
    ]);
    const t61 = rec('6.1', 'late-load').events.filter(
      (e) => e.kind === 'set-memory' && e.meaning.caller === 'arch_ftrace_update_trampoline',
    );
    expect(t61.map((e) => e.kind === 'set-memory' && e.fn)).toEqual(
      Array(3).fill(['set_memory_ro', 'set_memory_x']).flat(),
    );
  });

  it('6.12 target-first: MOD_* names agree with the sections of the modules still loaded', () => {
    const r = rec('6.12', 'target-first');
    for (const m of ['klp_demo_target', 'klp_demo_target2', 'klp_demo_patch']) {
      const secs = new Map(r.sections.find((s) => s.module === m)!.sections.map((s) => [s.name, s.addr]));
      const allocs = r.allocations.filter((a) => a.module === m);
      const region = (sec: string) => {
        const addr = secs.get(sec)!;
        return allocs.find((a) => addr >= a.addr! && addr < a.addr! + BigInt(Math.ceil(a.size / 4096) * 4096))!.region;
      };
      expect(region('.text')).toBe('MOD_TEXT');
      expect(region('.gnu.linkonce.this_module')).toBe('MOD_DATA');
      expect(region('.rodata.str1.1')).toBe('MOD_RODATA');
      expect(region('.symtab')).toBe('MOD_INIT_DATA');
      if (m !== 'klp_demo_patch') expect(region('.init.text')).toBe('MOD_INIT_TEXT');
      expect(r.modules.find((x) => x.name === m)!.base).toBe(allocs.find((a) => a.region === 'MOD_TEXT')!.addr);
    }
    // 6.12's vmalloc hands a freed init allocation to the next ftrace trampoline
    const reuse = r.allocations
      .filter((a) => a.addr === 0xffffffffc0213000n)
      .map((a) => [a.module, a.region, a.purpose]);
    expect(reuse).toEqual([
      ['klp_demo_target2', 'MOD_INIT_TEXT', 'module'],
      [null, null, 'ftrace-trampoline'],
    ]);
  });

  it('6.1 reload: the second load of the target is refused with ENOEXEC, and the recording says why', () => {
    const r = rec('6.1', 'reload');
    const exits = r.events
      .filter((e) => e.kind === 'syscall-exit')
      .map((e) => e.kind === 'syscall-exit' && [e.call, e.ret, e.errno]);
    expect(exits).toEqual([
      ['finit_module', 0, null],
      ['finit_module', 0, null],
      ['delete_module', 0, null],
      ['finit_module', -8, 'ENOEXEC'],
    ]);
    const lastEnter = r.events.filter((e) => e.kind === 'syscall-enter').at(-1)!.line;
    const after = r.events.filter((e) => e.line > lastEnter);
    const printk = after.flatMap((e) => (e.kind === 'printk' ? [e.text] : []));
    expect(printk[0]).toMatch(
      new RegExp(
        '^module: x86/modules: Skipping invalid relocation target, existing value is nonzero for type 11, ' +
          'loc [0-9a-f]{16}, val ffffffffc020e110$',
      ),
    );
    expect(printk.slice(1)).toEqual([
      "livepatch: failed to initialize patch 'klp_demo_patch' for module 'klp_demo_target' (-8)",
      "livepatch: patch 'klp_demo_patch' failed for module 'klp_demo_target', " +
        "refusing to load module 'klp_demo_target'",
    ]);
    expect(after.some((e) => e.kind === 'module-load')).toBe(false);
    // the refused copy was placed where the first one was, and both of its allocations were freed
    const refused = r.allocations.filter((a) => a.line > lastEnter);
    expect(refused.map((a) => [a.addr, a.region, a.freedLine !== null])).toEqual([
      [0xffffffffc020d000n, 'core', true],
      [0xffffffffc0212000n, 'init', true],
    ]);
    expect(r.modules.map((m) => m.name)).toEqual(['klp_demo_patch']);
    expect(r.livepatch.find((x) => x.path === 'klp_demo_patch/klp_demo_target/patched')!.value).toBe('0');
  });

  it("6.12 reload: the target going clears the patch's relocations with text_poke, so it loads again", () => {
    const r = rec('6.12', 'reload');
    const exits = r.events.filter((e) => e.kind === 'syscall-exit').map((e) => e.kind === 'syscall-exit' && e.ret);
    expect(exits).toEqual([0, 0, 0, 0]);
    const rm = r.events.find((e) => e.kind === 'syscall-enter' && e.call === 'delete_module')!.line;
    const clear = r.events.filter(
      (e) => e.line > rm && (e.kind === 'relocation' || (e.kind === 'text-poke' && e.fn === 'text_poke')),
    );
    expect(
      clear
        .slice(0, 5)
        .map((e) =>
          e.kind === 'relocation'
            ? `${e.fn} ${e.section} ${e.object} ${e.apply}`
            : e.kind === 'text-poke' &&
              `${e.fn} ${e.place.kind === 'allocation' && `${e.place.module} ${e.place.region}`}` +
                `+0x${e.place.kind === 'allocation' && e.place.offset.toString(16)} ${e.len}`,
        ),
    ).toEqual([
      'klp_write_section_relocs 38 klp_demo_target false',
      'clear_relocate_add 38 null false',
      'text_poke klp_demo_patch MOD_TEXT+0x3a 4',
      'text_poke klp_demo_patch MOD_TEXT+0x10e 4',
      'text_poke klp_demo_patch MOD_TEXT+0x11a 4',
    ]);
    expect(r.modules.map((m) => m.name)).toEqual(['klp_demo_target', 'klp_demo_patch']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('hostile input', () => {
  const good = text('6.1', 'late-load');
  const lines = good.split('\n').slice(0, -1); // the file ends with a newline
  const n = lines.length;

  it('truncated at every line: a RecordingError saying so, on a line that exists', () => {
    for (let k = 0; k < n; k++) {
      const e = error(lines.slice(0, k).join('\n') + (k ? '\n' : ''));
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.line).toBeLessThanOrEqual(Math.max(k, 1));
      expect(e.message).toMatch(k === 0 ? /empty/ : /truncated/);
    }
  });

  it('cut inside a line: still a RecordingError', () => {
    for (let off = 1; off < good.length; off += 97) {
      if (good[off - 1] === '\n') continue;
      expect(error(good.slice(0, off))).toBeInstanceOf(RecordingError);
    }
  });

  it('edited: a line removed or added is caught by the line count; an edited event or header by its line', () => {
    const ev = lines.findIndex((l) => l.includes(' set_memory_nx: '));
    const e = error([...lines.slice(0, ev), ...lines.slice(ev + 1)].join('\n'));
    expect(e.line).toBe(n - 1);
    expect(e.message).toMatch(/written with \d+ lines and has \d+: 1 line\(s\) removed since \(the file was edited\)/);
    const dup = error([...lines.slice(0, ev), lines[ev], ...lines.slice(ev)].join('\n'));
    expect(dup.message).toMatch(/1 line\(s\) added/);

    const swap = (from: string, to: string) => {
      const i = lines.findIndex((l) => l.startsWith(from));
      return { i, e: error([...lines.slice(0, i), to, ...lines.slice(i + 1)].join('\n')) };
    };
    let s = swap('@@ machine', '@@ machine aarch64');
    expect([s.e.line, s.e.reason]).toEqual([
      s.i + 1,
      'recorded on "aarch64": klp-capture and klp-lab know x86-64 only',
    ]);
    s = swap('@@ kernel', '@@ kernel 3.10.0-1160.el7.x86_64');
    expect([s.e.line, s.e.reason]).toEqual([
      s.i + 1,
      'kernel 3.10.0-1160.el7.x86_64: klp-lab knows kernels with livepatch (4.0 and later)',
    ]);
    s = swap('@@ kernel', '@@ kernel unknown');
    expect(s.e.reason).toBe('kernel release "unknown" has no version number: not a Linux kernel\'s');
    s = swap('@@ klp-capture', '@@ klp-capture 2');
    expect(s.e.line).toBe(2);
    expect(s.e.reason).toMatch(/format 2; this klp-lab reads format 1/);
    const i = lines.findIndex((l) => l.includes(' set_memory_nx: '));
    s = swap(lines[i]!, lines[i]!.replace('set_memory_nx:', 'set_memory_xx:'));
    expect([s.e.line, s.e.reason]).toEqual([
      i + 1,
      expect.stringMatching(/^event "set_memory_xx" was not set up by this recording/),
    ]);
    s = swap(lines[i]!, lines[i]!.replace(/addr=0x[0-9a-f]+/, 'addr=zz'));
    expect([s.e.line, s.e.reason]).toEqual([i + 1, 'event set_memory_nx: addr="zz" is not a number']);
    s = swap('@@ begin modules-before', '@@ begin kallsyms');
    expect(s.e.reason).toMatch(/the kallsyms block comes before the modules-before block/);
  });

  it('garbage, empty files, huge lines, a binary file', () => {
    expect(error('').reason).toMatch(/empty/);
    expect(error('\n\n').line).toBe(1);
    expect(error('hello world\n').reason).toMatch(/not a klp-capture recording/);
    expect(error('\u0000\u0001\u00ff\ufffd'.repeat(1000)).line).toBe(1);
    const huge = error(`@@ klp-capture 1\n@@ kernel ${'x'.repeat(MAX_LINE_LENGTH + 1)}\n`);
    expect([huge.line, huge.reason]).toEqual([
      2,
      `a line of ${MAX_LINE_LENGTH + 11} characters: ` +
        "a recording's lines are short (the file is not a recording, or damaged)",
    ]);
    // a huge event line inside the trace
    const ev = lines.findIndex((l) => l.includes(' set_memory_nx: '));
    const big = error([...lines.slice(0, ev), lines[ev] + ' x'.repeat(40000), ...lines.slice(ev + 1)].join('\n'));
    expect(big.line).toBe(ev + 1);
  });

  // (that parsing stays linear in the recording's length is measured by `npm run bench`, part 6)
  // a backtracking pattern would hang on these: the test's timeout is the bound, no timing here
  it('a pathological line is refused on its own line', () => {
    const ev = lines.findIndex((l) => l.includes(' set_memory_nx: '));
    const nasty = [
      'a-1 [0'.repeat(9000),
      `${' '.repeat(60000)}x-1`,
      '-'.repeat(60000),
      `${'1'.repeat(30000)}.${'2'.repeat(30000)}`,
    ];
    for (const l of nasty)
      expect(error([...lines.slice(0, ev), l, ...lines.slice(ev + 1)].join('\n')).line).toBe(ev + 1);
  });

  it('not even text: still a RecordingError', () => {
    expect(error(undefined as unknown as string)).toMatchObject({ line: 1 });
    expect(error(new Uint8Array(10) as unknown as string)).toMatchObject({ line: 1 });
  });

  it('Windows line ends read the same', () => {
    const a = parseRecording(good);
    const b = parseRecording(good.replace(/\n/g, '\r\n'));
    expect(b.events.length).toBe(a.events.length);
    expect(b.events.map((e) => e.kind)).toEqual(a.events.map((e) => e.kind));
    expect(b.sections).toEqual(a.sections);
  });

  it('never throws anything but a RecordingError (fast-check: arbitrary text and mutated recordings)', () => {
    const only = (t: string) => {
      try {
        parseRecording(t);
      } catch (e) {
        if (!(e instanceof RecordingError)) throw e;
        if (!(e.line >= 1 && Number.isInteger(e.line))) throw new Error(`bad line ${e.line}`);
      }
    };
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => only(s)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => only(`@@ klp-capture 1\n${s}`)),
      { numRuns: 300 },
    );
    const edit = fc.record({
      at: fc.nat({ max: n - 1 }),
      op: fc.constantFrom('delete', 'replace', 'insert', 'mangle', 'swap'),
      s: fc.string({ maxLength: 120 }),
      cut: fc.nat({ max: 200 }),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const ls = [...lines];
        for (const { at, op, s, cut } of edits) {
          const k = Math.min(at, ls.length - 1);
          if (op === 'delete') ls.splice(k, 1);
          else if (op === 'replace') ls[k] = s;
          else if (op === 'insert') ls.splice(k, 0, s);
          else if (op === 'mangle') ls[k] = (ls[k] ?? '').slice(0, cut) + s + (ls[k] ?? '').slice(cut);
          else [ls[k], ls[0]] = [ls[0]!, ls[k]!];
        }
        // keep the line count right half of the time, so that edits get past the last check too
        const last = ls.length - 1;
        if (edits[0]!.cut % 2 === 0 && ls[last]?.startsWith('@@ end-of-recording'))
          ls[last] = `@@ end-of-recording lines=${ls.length}`;
        only(`${ls.join('\n')}\n`);
      }),
      { numRuns: 400 },
    );
  });
});
