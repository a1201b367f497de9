// The committed recordings of real 6.1 and 6.12 kernels (truth/v6.x/capture-*) as traces, and
// beside each the emulation of the same operations on the same sample modules: the exact list of
// divergences, every permission state of the patch and its targets, the 6.1 reload's refusal.
// Where a divergence is not a known one (no `known`), it is something the emulator does not yet
// do as these kernels do: the lists say so until the emulator changes.
import { describe, expect, it, test } from 'vitest';
import { auditTrace } from '../audit/auditor.ts';
import { permissionStory } from '../scenarios/golden.ts';
import { compareRecording, divergenceLine, RECORDINGS, recording } from '../test_support/recordings.ts';
import { traceAscii } from '../trace/ascii.ts';
import { stepEvents } from '../trace/events.ts';
import { buildPageMap } from '../trace/page_map.ts';
import { phaseRuns, stateBands } from '../trace/phases.ts';
import type { Trace } from '../trace/types.ts';
import { KNOWN } from './diff.ts';
import { closestProfile } from './emulate.ts';
import { recordingToTrace } from './to_trace.ts';

const EXPECTED: Record<string, { profile: string; steps: [number, number]; divergences: string[] }> = {
  '6.1 target-first': {
    profile: '6.1',
    steps: [96, 124],
    divergences: [
      'address 1/6 known: every module-space address is 0x2000 higher on the real kernel',
      'missing 15/- known: 5 set_memory_*() calls with numpages 0: klp_demo_target init+0x1000, klp_demo_target core+0x2000',
      'extra -/23 known: text_poke(klp_demo_target core+0x35, 1 byte: lock → ds at klp_demo_target+0x35): not on the real kernel',
      'missing 37/- known: 5 set_memory_*() calls with numpages 0: klp_demo_target2 init+0x1000, klp_demo_target2 core+0x2000',
      'address 47/79 known: klp_demo_patch core at +0xe000 from the first module on the real kernel, at +0xa000 in the emulation (in freed pages)',
      'address 47/79 known: klp_demo_patch init at +0x13000 from the first module on the real kernel, at +0xf000 in the emulation',
      'order 60/72 known: klp_demo_target2 init freed: during insmod klp_demo_patch on the real kernel, during insmod klp_demo_target2 in the emulation',
      'missing 63/- known: 8 set_memory_*() calls with numpages 0: klp_demo_patch init+0x0, klp_demo_patch core+0x2000',
      'address 80/109 known: ftrace trampoline at +0xa000 from the first module on the real kernel (in freed pages), at +0x12000 in the emulation',
      'address 83/111 known: ftrace trampoline at +0xc000 from the first module on the real kernel (in freed pages), at +0x14000 in the emulation',
      'extra -/94 known: text_poke(klp_demo_patch core+0x95, 1 byte: lock → ds at klp_demo_patch+0x95): not on the real kernel',
    ],
  },
  '6.1 late-load': {
    profile: '6.1',
    steps: [66, 87],
    divergences: [
      'address 1/6 known: every module-space address is 0x2000 higher on the real kernel',
      'missing 15/- known: 8 set_memory_*() calls with numpages 0: klp_demo_patch init+0x0, klp_demo_patch core+0x2000',
      'extra -/21 known: text_poke(klp_demo_patch core+0x95, 1 byte: lock → ds at klp_demo_patch+0x95): not on the real kernel',
      'missing 48/- known: 5 set_memory_*() calls with numpages 0: klp_demo_target init+0x1000, klp_demo_target core+0x2000',
      'extra -/66 known: text_poke(klp_demo_target core+0x35, 1 byte: lock → ds at klp_demo_target+0x35): not on the real kernel',
    ],
  },
  '6.1 reload': {
    profile: '6.1',
    steps: [97, 133],
    divergences: [
      'address 1/6 known: every module-space address is 0x2000 higher on the real kernel',
      'missing 15/- known: 8 set_memory_*() calls with numpages 0: klp_demo_patch init+0x0, klp_demo_patch core+0x2000',
      'extra -/21 known: text_poke(klp_demo_patch core+0x95, 1 byte: lock → ds at klp_demo_patch+0x95): not on the real kernel',
      'missing 48/- known: 5 set_memory_*() calls with numpages 0: klp_demo_target init+0x1000, klp_demo_target core+0x2000',
      'extra -/66 known: text_poke(klp_demo_target core+0x35, 1 byte: lock → ds at klp_demo_target+0x35): not on the real kernel',
      'missing 89/- known: 3 set_memory_*() calls with numpages 0: klp_demo_target init+0x1000, klp_demo_target core+0x2000',
      'extra -/119 known: text_poke(klp_demo_target core+0x35, 1 byte: lock → ds at klp_demo_target+0x35): not on the real kernel',
    ],
  },
  '6.12 target-first': {
    profile: '6.12',
    steps: [104, 132],
    divergences: [
      'address 1/6 known: every module-space address is 0x2000 higher on the real kernel',
      'extra -/25 known: text_poke(klp_demo_target MOD_TEXT+0x59, 1 byte: lock → ds at klp_demo_target+MOD_TEXT:0x59): not on the real kernel',
      'address 27/46 known: klp_demo_target2 MOD_TEXT at +0xa000 from the first module on the real kernel, at +0x6000 in the emulation (in freed pages)',
      'address 27/46 known: klp_demo_target2 MOD_DATA at +0xc000 from the first module on the real kernel, at +0x8000 in the emulation (in freed pages)',
      'address 27/46 known: klp_demo_target2 MOD_RODATA at +0xe000 from the first module on the real kernel, at +0xa000 in the emulation',
      'address 27/46 known: klp_demo_target2 MOD_INIT_TEXT at +0x10000 from the first module on the real kernel, at +0xc000 in the emulation',
      'address 27/46 known: klp_demo_target2 MOD_INIT_DATA at +0x12000 from the first module on the real kernel, at +0xe000 in the emulation',
      'order 50/39 known: klp_demo_target MOD_INIT_TEXT freed: during insmod klp_demo_target2 on the real kernel, during insmod klp_demo_target in the emulation',
      'order 50/39 known: klp_demo_target MOD_INIT_DATA freed: during insmod klp_demo_target2 on the real kernel, during insmod klp_demo_target in the emulation',
      'address 52/85 known: klp_demo_patch MOD_TEXT at +0x6000 from the first module on the real kernel (in freed pages), at +0xc000 in the emulation (in freed pages)',
      'address 52/85 known: klp_demo_patch MOD_DATA at +0x14000 from the first module on the real kernel, at +0xe000 in the emulation (in freed pages)',
      'address 52/85 known: klp_demo_patch MOD_RODATA at +0x8000 from the first module on the real kernel (in freed pages), at +0x11000 in the emulation',
      'address 52/85 known: klp_demo_patch MOD_INIT_DATA at +0x17000 from the first module on the real kernel, at +0x13000 in the emulation',
      'address 85/117 known: ftrace trampoline at +0x19000 from the first module on the real kernel, at +0x15000 in the emulation',
      'order 86/78 known: klp_demo_target2 MOD_INIT_TEXT freed: during insmod klp_demo_patch on the real kernel, during insmod klp_demo_target2 in the emulation',
      'order 86/78 known: klp_demo_target2 MOD_INIT_DATA freed: during insmod klp_demo_patch on the real kernel, during insmod klp_demo_target2 in the emulation',
      'address 89/119 known: ftrace trampoline at +0x10000 from the first module on the real kernel (in freed pages), at +0x17000 in the emulation',
      'address 91/121 known: ftrace trampoline at +0x12000 from the first module on the real kernel (in freed pages), at +0x19000 in the emulation',
      'extra -/102 known: text_poke(klp_demo_patch MOD_TEXT+0x109, 1 byte: lock → ds at klp_demo_patch+MOD_TEXT:0x109): not on the real kernel',
    ],
  },
  '6.12 late-load': {
    profile: '6.12',
    steps: [72, 91],
    divergences: [
      'address 1/6 known: every module-space address is 0x2000 higher on the real kernel',
      'extra -/23 known: text_poke(klp_demo_patch MOD_TEXT+0x109, 1 byte: lock → ds at klp_demo_patch+MOD_TEXT:0x109): not on the real kernel',
      'extra -/70 known: text_poke(klp_demo_target MOD_TEXT+0x59, 1 byte: lock → ds at klp_demo_target+MOD_TEXT:0x59): not on the real kernel',
    ],
  },
  '6.12 reload': {
    profile: '6.12',
    steps: [119, 147],
    divergences: [
      'address 1/6 known: every module-space address is 0x2000 higher on the real kernel',
      'extra -/23 known: text_poke(klp_demo_patch MOD_TEXT+0x109, 1 byte: lock → ds at klp_demo_patch+MOD_TEXT:0x109): not on the real kernel',
      'extra -/70 known: text_poke(klp_demo_target MOD_TEXT+0x59, 1 byte: lock → ds at klp_demo_target+MOD_TEXT:0x59): not on the real kernel',
      'order 75/90 known: klp_demo_target MOD_INIT_TEXT freed: during rmmod klp_demo_target on the real kernel, during insmod klp_demo_target in the emulation',
      'order 75/90 known: klp_demo_target MOD_INIT_DATA freed: during rmmod klp_demo_target on the real kernel, during insmod klp_demo_target in the emulation',
      'order 83/100: klp_demo_target MOD_RODATA freed: during rmmod klp_demo_target on the real kernel, during rmmod klp_demo_target in the emulation',
      'extra -/126 known: text_poke(klp_demo_target MOD_TEXT+0x59, 1 byte: lock → ds at klp_demo_target+MOD_TEXT:0x59): not on the real kernel',
    ],
  },
};

/** The patch's or a target's page permissions, each state once, in order (step names differ by design). */
const states = (trace: Trace, module: string) =>
  permissionStory(trace, module)
    .map((l) => l.slice(l.indexOf(' ') + 1))
    .filter((s, i, all) => i === 0 || s !== all[i - 1]);

describe.each(RECORDINGS)('%s %s', (kernel, scenario) => {
  it('opens as a trace the page map, the auditor and the timeline read as they read an emulated one', () => {
    const trace = recordingToTrace(recording(kernel, scenario));
    expect(trace.kernel).toBe(
      kernel === '6.1' ? 'v6.1.192 (6.1.0-56-amd64, recorded)' : 'v6.12.118 (6.12.118+deb12-amd64, recorded)',
    );
    expect(trace.steps.length).toBe(EXPECTED[`${kernel} ${scenario}`]!.steps[0]);
    const map = buildPageMap(trace);
    expect(map.perms).toHaveLength(trace.steps.length);
    expect(map.lanes.map((l) => l.module)).toEqual(
      expect.arrayContaining(['klp_demo_patch', 'klp_demo_target', 'ftrace', 'vmlinux']),
    );
    expect(auditTrace(trace).verdicts.filter((v) => v.kind === 'rwx')).toEqual([]);
    expect(phaseRuns(trace).length).toBeGreaterThan(10);
    expect(stateBands(trace).modules).toContain('klp_demo_patch');
    expect(traceAscii(trace).length).toBeGreaterThan(trace.steps.length);
    // every write is a text poke whose bytes the recording does not have
    const writes = trace.steps.flatMap((s) => stepEvents(trace, s)).filter((e) => e.kind === 'write');
    expect(writes.length).toBeGreaterThan(20);
    for (const w of writes) {
      expect(w.path === 'text_poke' || w.path === 'text_poke_early').toBe(true);
      expect(w.what).toMatch(/^text_poke\w*, \d+ bytes \(bytes not recorded\)$/);
    }
  });

  it('beside the emulation of the same operations: the exact divergences, each known one explained', async () => {
    const c = await compareRecording(kernel, scenario);
    const want = EXPECTED[`${kernel} ${scenario}`]!;
    expect(c.kernel).toBe(want.profile);
    expect([c.real.steps.length, c.emulated.steps.length]).toEqual(want.steps);
    expect(c.divergences.map(divergenceLine)).toEqual(want.divergences);
    // every step a divergence names is a step of its trace; every known one has a named reason
    for (const d of c.divergences) {
      if (d.known) expect(Object.values(KNOWN)).toContain(d.known);
      if (d.real !== null) expect(c.real.steps[d.real]).toBeDefined();
      if (d.emulated !== null) expect(c.emulated.steps[d.emulated]).toBeDefined();
    }
  });

  it('the patch and its targets go through the same page permissions as in the emulation', async () => {
    const c = await compareRecording(kernel, scenario);
    for (const m of ['klp_demo_patch', 'klp_demo_target', 'klp_demo_target2']) {
      const real = states(c.real, m);
      const emulated = states(c.emulated, m);
      // where an emulation refuses what the real kernel did not (the divergence list says so),
      // the states agree up to there, then the emulation frees the module
      let i = 0;
      while (i < real.length && real[i] === emulated[i]) i++;
      if (kernel === '6.1' || i === Math.max(real.length, emulated.length)) expect(real, m).toEqual(emulated);
      else {
        expect(emulated[i], m).toBe('(gone)');
        expect(c.divergences.some((d) => d.kind === 'error')).toBe(true);
      }
    }
  });
});

test('6.1 late load: the real patch module is never writable and executable, and no set_memory_* touches it when its target arrives', () => {
  const trace = recordingToTrace(recording('6.1', 'late-load'));
  expect(states(trace, 'klp_demo_patch')).toEqual([
    'core:rw-,rw-,rw-,rw- init:rw-,rw-',
    'core:r--,r--,rw-,rw- init:rw-,rw-',
    'core:r-x,r--,rw-,rw- init:rw-,rw-',
    'core:r-x,r--,rw-,rw-',
  ]);
  const late = trace.steps.filter(
    (s) => s.path.at(-1) === 'klp_apply_section_relocs' && s.path.includes('klp_module_coming'),
  );
  expect(late.map((s) => s.title)).toEqual([
    'klp_apply_section_relocs(klp_demo_patch, section 32, klp_demo_target) → apply_relocate_add()',
    'klp_apply_section_relocs(klp_demo_patch, section 33, klp_demo_target): not for this object',
    'klp_apply_section_relocs(klp_demo_patch, section 34, klp_demo_target): not for this object',
  ]);
  expect(
    stepEvents(trace, late[0]!).map((e) =>
      e.kind === 'write' ? `${e.path} ${e.addr.toString(16)} ${e.new.length}` : e.kind,
    ),
  ).toEqual(['text_poke ffffffffc0203026 4', 'text_poke ffffffffc020309a 4', 'text_poke ffffffffc02030a6 4', 'sync']);
  const coming = trace.steps.filter((s) => s.path.includes('klp_module_coming') && s.module === 'klp_demo_patch');
  expect(coming.flatMap((s) => s.events.filter((e) => e.kind === 'perm'))).toEqual([]);
});

test('6.1 reload: the real kernel refuses the second insmod with ENOEXEC, and so does the emulation', async () => {
  const c = await compareRecording('6.1', 'reload');
  expect(c.real.recorded?.ops.map((o) => [o.op, o.module, o.ok, o.errno ?? null])).toEqual([
    ['insmod', 'klp_demo_patch', true, null],
    ['insmod', 'klp_demo_target', true, null],
    ['rmmod', 'klp_demo_target', true, null],
    ['insmod', 'klp_demo_target', false, 'ENOEXEC'],
  ]);
  expect(c.real.recorded?.ops[3]?.message).toBe(
    'module: x86/modules: Skipping invalid relocation target, existing value is nonzero for type 11, loc 00000000c20a5cae, val ffffffffc020e110',
  );
  expect(c.outcomes.map((o) => [o.what, o.ok])).toEqual([
    ['insmod klp_demo_patch.ko', true],
    ['insmod klp_demo_target.ko', true],
    ['rmmod klp_demo_target', true],
    ['insmod klp_demo_target.ko', false],
  ]);
  // loc is %p: both print ptr_to_id() (the emulated machine's ptr_key is fixed), val is %llx
  expect(c.outcomes[3]?.message).toBe(
    'module: x86/modules: Skipping invalid relocation target, existing value is nonzero for type 11, loc 000000003690927b, val ffffffffc020c110',
  );
  // the same refusal: no 'error' divergence (the messages differ only in addresses)
  expect(c.divergences.filter((d) => d.kind === 'error')).toEqual([]);
  const refused = c.real.steps[c.real.recorded!.ops[3]!.step]!;
  expect(refused.title).toBe('insmod klp_demo_target.ko (finit_module, kmodsys-386)');
  expect(
    stateBands(c.real)
      .bands.filter((b) => b.module === 'klp_demo_target')
      .map((b) => b.state),
  ).toEqual(['UNFORMED', 'COMING', 'LIVE', 'GOING', 'UNFORMED', 'COMING']);
});

test('the closest profile: 6.1 for 6.1.x, the newest 6.x not newer for 6.12, 5.4 for every 5.x, the oldest below', () => {
  expect(closestProfile({ major: 6, minor: 1, patch: 192 })).toBe('6.1');
  expect(closestProfile({ major: 6, minor: 2, patch: 0 })).toBe('6.1');
  expect(closestProfile({ major: 6, minor: 12, patch: 118 })).toBe('6.12');
  expect(closestProfile({ major: 5, minor: 15, patch: 0 })).toBe('5.4');
  expect(closestProfile({ major: 5, minor: 4, patch: 0 })).toBe('5.4');
  expect(closestProfile({ major: 4, minor: 19, patch: 0 })).toBe('5.4');
  expect(closestProfile({ major: 7, minor: 0, patch: 0 })).toBe('6.12');
});
