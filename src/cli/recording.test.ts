// `klp-lab trace --recording FILE [A.ko …]` as a user runs it: the recording printed as a trace,
// the divergence list after it when the modules are given (in the JSON too), and a bad recording
// refused with the parser's message naming the line, exit 1, never a stack trace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, test } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const klpLab = (...args: string[]) =>
  spawnSync('node', ['bin/klp-lab.js', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
const LATE = 'truth/v6.1/capture-late-load/recording.txt';
const RELOAD = 'truth/v6.1/capture-reload/recording.txt';
const samples = ['klp_demo_patch', 'klp_demo_target', 'klp_demo_target2'].map((m) => `public/samples/klp/${m}.ko`);

test('alone: the recording as a trace, its operations first', () => {
  const r = klpLab('trace', '--recording', LATE);
  expect([r.status, r.stderr]).toEqual([0, '']);
  const lines = r.stdout.split('\n');
  expect(lines.slice(0, 2)).toEqual([
    'recorded on a real kernel: 6.1.0-56-amd64 (Linux 6.1.192), by capture/klp-capture',
    expect.stringMatching(/^command: sh -c kmodsys i \/mods\/klp_demo_patch.ko; /),
  ]);
  expect(lines.slice(2, 5)).toEqual([
    '  step    0  insmod klp_demo_patch: ok',
    '  step   33  insmod klp_demo_target: ok',
    'writes: address and length only (the probes do not record bytes)',
  ]);
  expect(lines).toContain('kernel v6.1.192 (6.1.0-56-amd64, recorded): 66 steps');
  expect(r.stdout).not.toContain('divergences');
  const one = klpLab('trace', '--recording', LATE, '--step', '54');
  expect(one.stdout).toContain('klp_apply_section_relocs(klp_demo_patch, section 32, klp_demo_target)');
});

test('with the modules it loaded: the emulation on the closest profile and every divergence', () => {
  const r = klpLab('trace', '--recording', RELOAD, ...samples);
  expect([r.status, r.stderr]).toEqual([0, '']);
  const tail = r.stdout.slice(r.stdout.indexOf('emulation of the same operations'));
  expect(tail.split('\n').slice(0, 7)).toEqual([
    'emulation of the same operations on the 6.1 kernel profile:',
    '  insmod klp_demo_patch.ko: ok',
    '  insmod klp_demo_target.ko: ok',
    '  rmmod klp_demo_target: ok',
    '  insmod klp_demo_target.ko: module: x86/modules: Skipping invalid relocation target, existing value is nonzero for type 11, loc 000000003690927b, val ffffffffc020c110',
    '',
    'divergences: 7 (7 known and explained, 0 not)',
  ]);
  const json = JSON.parse(klpLab('trace', '--recording', RELOAD, ...samples, '--format', 'json').stdout);
  expect(Object.keys(json)).toEqual(['kernel', 'steps', 'recorded', 'emulation', 'divergences']);
  expect(json.recorded.ops.at(-1)).toMatchObject({
    op: 'insmod',
    module: 'klp_demo_target',
    ok: false,
    errno: 'ENOEXEC',
  });
  expect(json.divergences.map((d: { kind: string }) => d.kind)).toEqual([
    'address',
    'missing',
    'extra',
    'missing',
    'extra',
    'missing',
    'extra',
  ]);
  // a module the recording loads and the command line does not give: the emulation stops before it
  const some = klpLab('trace', '--recording', RELOAD, samples[0]!);
  expect(some.stdout).toContain('  klp_demo_target: no .ko given, the emulation stops before it');
});

test('a bad recording: the parser says which line and what is wrong, exit 1, no stack trace', () => {
  const dir = mkdtempSync(`${tmpdir()}/klp-lab-rec-`);
  const text = readFileSync(`${root}${LATE}`, 'utf8');
  const lines = text.split('\n');
  const cases: Array<[string, string]> = [
    [lines.slice(0, 400).join('\n'), 'truncated.txt'],
    [text.replace('@@ kernel 6.1.0-56-amd64', '@@ kernel 3.10.0-1160.el7.x86_64'), 'old.txt'],
    [[...lines.slice(0, 499), ...lines.slice(500)].join('\n'), 'edited.txt'],
  ];
  const out = cases.map(([body, name]) => {
    writeFileSync(`${dir}/${name}`, body);
    const r = klpLab('trace', '--recording', `${dir}/${name}`);
    return [r.status, r.stdout, r.stderr.replace(`${dir}/`, '')];
  });
  expect(out).toEqual([
    [
      1,
      '',
      'truncated.txt: line 400: the file ends here, inside the trace block that begins on line 121: it is truncated (a recording ends with "@@ end-of-recording")\n',
    ],
    [1, '', 'old.txt: line 3: kernel 3.10.0-1160.el7.x86_64: klp-lab knows kernels with livepatch (4.0 and later)\n'],
    [
      1,
      '',
      'edited.txt: line 1025: the recording was written with 1026 lines and has 1025: 1 line(s) removed since (the file was edited)\n',
    ],
  ]);
  const none = klpLab('trace', '--recording', `${dir}/none.txt`);
  expect([none.status, none.stderr]).toEqual([1, `${dir}/none.txt: No such file\n`]);
  const mixed = klpLab('trace', '--recording', LATE, '--fake-missing-symbols');
  expect([mixed.status, mixed.stderr.split('\n')[0]]).toEqual([
    2,
    'klp-lab trace: --fake-missing-symbols: not with --recording',
  ]);
});
