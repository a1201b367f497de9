// Which .ko stands for each module of a recording: the user's own file of that module name, else
// the built-in sample built for the recording's kernel — never a built-in sample open in the
// inspector (the 6.1 build), which made a 6.12 comparison run on 6.1-built modules.
import { describe, expect, test } from 'vitest';
import type { Trace } from '../../../src/trace/types.ts';
import type { LoadedFile, OpenedRecording } from '../../store.ts';
import { recordingModules } from './recording_modules.ts';

const recording = (version: string): OpenedRecording => ({
  fileName: `klp-capture-${version}.txt`,
  trace: { recorded: { version } } as unknown as Trace,
  modules: ['klp_demo_patch', 'klp_demo_target', 'my_fix'],
});
const loaded = (name: string, origin: LoadedFile['origin']) =>
  ({
    key: `${origin}:${name}`,
    name: `${name}.ko`,
    origin,
    module: { elf: { modinfo: [{ key: 'name', value: name }] } },
  }) as unknown as LoadedFile;

describe('recordingModules', () => {
  test('a 6.12 recording: the 6.12 samples, though the inspector has the 6.1 klp_demo_patch.ko open', () => {
    const r = recordingModules(recording('6.12.118'), [loaded('klp_demo_patch', 'sample')]);
    expect(r.kernel).toBe('6.12');
    expect([...r.sources].map(([n, s]) => [n, s.kind === 'builtin' ? s.path : s.file.key])).toEqual([
      ['klp_demo_patch', 'klp-6.12/klp_demo_patch.ko'],
      ['klp_demo_target', 'klp-6.12/klp_demo_target.ko'],
    ]);
    expect(r.missing).toEqual(['my_fix']);
    expect(r.builtinOnly).toBe(true);
  });
  test("the user's own file of that name wins, the last opened one", () => {
    const r = recordingModules(recording('6.1.192'), [
      loaded('my_fix', 'file'),
      loaded('klp_demo_target', 'file'),
      { ...loaded('klp_demo_target', 'file'), key: 'file:second' } as LoadedFile,
    ]);
    expect(r.kernel).toBe('6.1');
    expect([...r.sources].map(([n, s]) => [n, s.kind === 'builtin' ? s.path : s.file.key])).toEqual([
      ['klp_demo_patch', 'klp/klp_demo_patch.ko'],
      ['klp_demo_target', 'file:second'],
      ['my_fix', 'file:my_fix'],
    ]);
    expect(r.missing).toEqual([]);
    expect(r.builtinOnly).toBe(false);
  });
});
