// The command line as a user runs it: `npx klp-lab …` straight from the sources.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import { oracleImage, oracleTruth } from '../test_support/oracle.ts';
import { commands, commandUsage, mainUsage } from './usage.ts';

const root = new URL('../../', import.meta.url).pathname;
const klpLab = (...args: string[]) =>
  spawnSync('node', ['bin/klp-lab.js', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });

test('layout --json: sections, sizes and final page permissions as the real kernel has them', () => {
  const r = klpLab('layout', 'src/elf/__fixtures__/debian/crc7.ko', '--json');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout);
  const truth = oracleTruth.modules.crc7!;
  expect(out.coresize).toBe(truth.coresize);
  expect(out.sections['.text']).toEqual({ region: 'core', offset: 0 });
  expect(out.sections['.rodata']).toEqual({ region: 'core', offset: truth.sections['.rodata']!.offset });
  expect(out.perms).toEqual([
    { from: 0, to: 4096, perm: 'r-x' },
    { from: 4096, to: 8192, perm: 'r--' },
    { from: 8192, to: 16384, perm: 'rw-' },
  ]);
});

test('load at the real base writes the real kernel\u2019s text and rodata bytes', () => {
  const dir = mkdtempSync(`${tmpdir()}/klp-lab-`);
  const truth = oracleTruth.modules.crc7!;
  const r = klpLab(
    'load',
    'src/elf/__fixtures__/debian/crc7.ko',
    '--base',
    truth.core_base,
    '--image',
    `${dir}/crc7.bin`,
    '--json',
  );
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).relocations).toEqual({ R_X86_64_32S: 1, R_X86_64_PLT32: 1, R_X86_64_PC32: 9 });
  const ours = new Uint8Array(readFileSync(`${dir}/crc7.bin`));
  expect(Buffer.compare(ours.subarray(0, 8192), oracleImage('crc7').subarray(0, 8192))).toBe(0);
});

test('a refusal exits 1 with the kernel message as the last line on stderr', () => {
  const r = klpLab('load', 'public/samples/klp/unconverted/klp_demo_patch.ko');
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n').at(-1)).toBe('klp_demo_patch: Unknown symbol klp_demo_greetings (err -2)');
  const bad = klpLab('layout', 'e2e/fixtures/garbage.ko');
  expect(bad.status).toBe(1);
  expect(bad.stderr.trim()).toBe('Invalid ELF header magic: != \\x7fELF'); // DEL printed as an escape
});

const loadSynopsis = `usage: klp-lab load FILE.ko [--kernel ID] [--base ADDR] [--init-base ADDR]
        [--percpu-base ADDR] [--kallsyms FILE ...] [--exports ksymtab|globals]
        [--fake-missing-symbols] [--image OUT.bin] [--json]
(klp-lab load --help describes each option)
`;

describe('usage', () => {
  test('load --help prints every option of load and exits 0', () => {
    const r = klpLab('load', '--help');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(`${LOAD_HELP}`);
  });

  test('--help, -h and help CMD print the same usage for every command', () => {
    const main = klpLab('--help');
    expect([main.status, main.stdout, main.stderr]).toEqual([0, `${mainUsage()}\n`, '']);
    expect(klpLab('help').stdout).toBe(main.stdout);
    expect(klpLab('-h').stdout).toBe(main.stdout);
    for (const c of commands) {
      const usage = `${commandUsage(c)}\n`;
      for (const args of [
        [c.name, '--help'],
        [c.name, '-h'],
        ['help', c.name],
        [c.name, 'x.ko', '--frob', '-h'],
      ]) {
        const r = klpLab(...args);
        expect([args, r.status, r.stdout, r.stderr]).toEqual([args, 0, usage, '']);
      }
    }
  });

  test('a bad command line: one line naming the option and the problem, the usage, exit 2', () => {
    const cases: Array<[string[], string]> = [
      [['load', 'x.ko', '--frob'], 'unknown option --frob'],
      [['load', 'x.ko', '--base', '0xfoo'], '--base 0xfoo: not a hexadecimal address'],
      [['load', 'x.ko', '--init-base'], '--init-base needs a value (ADDR)'],
      [['load', 'x.ko', '--percpu-base', '--json'], '--percpu-base needs a value (ADDR)'],
      [['load', 'x.ko', '--kernel', '9.9'], '--kernel 9.9: not one of 5.4, 6.1, 6.3, 6.4, 6.12'],
      [['load', 'x.ko', '--exports', 'all'], '--exports all: not one of ksymtab, globals'],
      [['load', 'x.ko', '--json=yes'], '--json takes no value'],
      [['load'], 'missing FILE.ko'],
      [['load', 'a.ko', 'b.ko'], 'unexpected argument b.ko'],
      [
        ['load', 'x.ko', '--base', '1', '--base', 'MOD_TEXT=0x1'],
        '--base MOD_TEXT=0x1: kernel 6.1 has a core and an init region, not MOD_* allocations',
      ],
      [
        ['load', 'x.ko', '--kernel', '6.12', '--init-base', '0x1'],
        '--init-base 0x1: kernel 6.12 has no init region (--base MOD_INIT_TEXT=ADDR,…)',
      ],
      [
        ['load', 'x.ko', '--kernel', '6.12', '--base', 'MOD_TEXT=0x1,MOD_FOO=0x2'],
        '--base MOD_TEXT=0x1,MOD_FOO=0x2: TYPE=ADDR,TYPE=ADDR,... with TYPE one of MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT, MOD_INIT_TEXT, MOD_INIT_DATA, MOD_INIT_RODATA',
      ],
    ];
    for (const [args, message] of cases) {
      const r = klpLab(...args);
      expect([args, r.status, r.stdout, r.stderr]).toEqual([args, 2, '', `klp-lab load: ${message}\n${loadSynopsis}`]);
    }
    const trace = klpLab('trace', 'a.ko', '--step', 'last');
    expect([trace.status, trace.stderr.split('\n')[0]]).toEqual([
      2,
      'klp-lab trace: --step last: not a step number (0, 1, 2, ...)',
    ]);
    const twice = klpLab('trace', 'a.ko', '--base', '1', '--base', '2');
    expect(twice.stderr.split('\n')[0]).toBe('klp-lab trace: --base given 2 times for 1 module');
    const cmd = klpLab('frob');
    expect([cmd.status, cmd.stderr]).toEqual([2, `klp-lab: unknown command frob\n${mainUsage()}\n`]);
    const none = klpLab();
    expect([none.status, none.stderr]).toEqual([2, `klp-lab: which command?\n${mainUsage()}\n`]);
    const helpOf = klpLab('help', 'frob');
    expect([helpOf.status, helpOf.stderr.split('\n')[0]]).toEqual([2, 'klp-lab help: unknown command frob']);
    const convert = klpLab('klp-convert', 'in.ko', 'out.ko');
    expect([convert.status, convert.stderr.split('\n')[0]]).toEqual([
      2,
      'klp-lab klp-convert: missing --kallsyms FILE',
    ]);
    const scenario = klpLab('scenario', '--strategy', 'nope');
    expect([scenario.status, scenario.stderr.split('\n')[0]]).toEqual([
      2,
      'klp-lab scenario: --strategy nope: not one of v5.4-flip, klp-text, klp-text-ro, split, text-poke, text-poke-clear, module-memory, forbid-late, deny-unload',
    ]);
  });

  test('a file that cannot be read is exit 1, not a usage error', () => {
    const r = klpLab('load', 'no/such.ko');
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '', 'no/such.ko: No such file\n']);
  });
});

describe('partial kallsyms', () => {
  const partial = 'truth/v6.1/debian-43/kallsyms/vmlinux.kallsyms';
  const notice =
    'klp-lab: partial kallsyms (24 __ksymtab_ lines for 1822 global text symbols): exports could not be checked, ' +
    'a global of the name resolves (--exports ksymtab to require them)\n';

  test('a partial file: globals resolve, and stderr says once that exports were not checked', () => {
    const r = klpLab('load', 'truth/v6.1/debian-43/ko/fat.ko', '--kallsyms', partial);
    expect([r.status, r.stderr]).toEqual([0, notice]);
    expect(r.stdout.split('\n')[0]).toBe('fat loaded at 0xffffffffc0201000, coresize 90112');
    const t = klpLab(
      'trace',
      'src/elf/__fixtures__/debian/crc7.ko',
      'truth/v6.1/debian-43/ko/fat.ko',
      '--kallsyms',
      partial,
      '--format',
      'json',
    );
    expect([t.status, t.stderr]).toEqual([0, notice]);
  });

  test('--exports ksymtab reads it exactly (every symbol without its __ksymtab_ line is unknown)', () => {
    const r = klpLab('load', 'truth/v6.1/debian-43/ko/fat.ko', '--kallsyms', partial, '--exports', 'ksymtab');
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBe(149);
    expect(lines.every((l) => /^fat: Unknown symbol \S+ \(err -2\)$/.test(l))).toBe(true);
  });

  test('a whole table (the shipped one keeps every export\u2019s __ksymtab_ line) is read exactly, silently', () => {
    const r = klpLab('load', 'public/samples/klp/unconverted/klp_demo_patch.ko', '--exports', 'globals');
    expect(r.stderr.trim().split('\n').at(-1)).toBe('klp_demo_patch: Unknown symbol klp_demo_greetings (err -2)');
    const dflt = klpLab('load', 'truth/v6.1/debian-43/ko/fat.ko', '--kallsyms', 'public/samples/vmlinux.kallsyms');
    expect([dflt.status, dflt.stderr]).toEqual([0, '']);
  });
});

test('names are escaped: a symbol name with a newline and cursor escapes cannot forge or erase a line', () => {
  const dir = mkdtempSync(`${tmpdir()}/klp-lab-`);
  const bytes = readFileSync(`${root}public/samples/klp/unconverted/klp_demo_patch.ko`);
  // the unresolved symbol's name, replaced in place by one as long: newline, cursor up, erase line
  const hostile = Buffer.from('\n\x1b[1A\x1b[2Kloaded OK', 'latin1');
  const name = Buffer.from('klp_demo_greetings');
  expect(hostile.length).toBe(name.length);
  for (let at = bytes.indexOf(name); at >= 0; at = bytes.indexOf(name, at + 1)) hostile.copy(bytes, at);
  writeFileSync(`${dir}/hostile.ko`, bytes);
  const r = klpLab('load', `${dir}/hostile.ko`);
  expect(r.status).toBe(1);
  expect(r.stderr.split('\n').at(-2)).toBe('klp_demo_patch: Unknown symbol \\x0a\\x1b[1A\\x1b[2Kloaded OK (err -2)');
  expect(r.stderr).not.toContain('\x1b');
  const t = klpLab('trace', `${dir}/hostile.ko`, '--format', 'json');
  expect(t.stdout).not.toContain('\x1b');
  expect(t.stdout).toContain('\\u001b[1A');
});

const LOAD_HELP = `usage: klp-lab load FILE.ko [--kernel ID] [--base ADDR] [--init-base ADDR]
        [--percpu-base ADDR] [--kallsyms FILE ...] [--exports ksymtab|globals]
        [--fake-missing-symbols] [--image OUT.bin] [--json]
Load one module; print where it went and its relocations; write its image.

options:
  --kernel ID           kernel profile: 5.4, 6.1 (default), 6.3, 6.4, 6.12
  --base ADDR           core region base (hex), e.g. where a real load put it;
                        6.4+: MOD_TEXT=ADDR,MOD_DATA=ADDR,... per allocation,
                        or one ADDR: every allocation from there as the
                        allocator places a lone module
  --init-base ADDR      init region base (6.1-style layouts)
  --percpu-base ADDR    start of the per-cpu reserved chunk: the (first) module
                        with per-cpu data gets its area there
  --kallsyms FILE       lines of /proc/kallsyms: vmlinux symbols, and \`[mod]\`
                        lines of modules taken as loaded; lines of ftrace's
                        available_filter_functions_addrs place vmlinux's call
                        sites (default: the kernel's shipped vmlinux table)
  --exports MODE        a vmlinux export is a symbol with a __ksymtab_ line
                        (ksymtab) or any global (globals); default: ksymtab for
                        a whole dump, globals for a partial one
  --fake-missing-symbols
                        give symbols no kallsyms line provides an invented
                        address instead of refusing the module
  --image OUT.bin       write the core region as it ends up in memory (6.4+:
                        OUT.bin.MOD_*)
  --json                print JSON instead of text
  --help, -h            print this usage and exit
`;
