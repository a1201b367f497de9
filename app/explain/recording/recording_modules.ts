// Which .ko each module a recording loads comes from: a file the user opened with that module
// name, else the built-in sample of that name built for the emulated kernel (a built-in sample
// open in the inspector is the 6.1 build, so it never stands in for a 6.12 recording's module).
import { kernelChoices } from '../../../src/engine/kernels.ts';
import type { KernelId } from '../../../src/kernel/profile.ts';
import { closestProfile } from '../../../src/recording/emulate.ts';
import type { Trace } from '../../../src/trace/types.ts';
import type { LoadedFile, OpenedRecording } from '../../store.ts';

/** The built-in sample modules (sample_sources/): built for each kernel profile's samples folder. */
const DEMO_MODULES = new Set(['klp_demo_patch', 'klp_demo_target', 'klp_demo_target2', 'klp_demo_replace']);

export type ModuleSource = { kind: 'file'; file: LoadedFile } | { kind: 'builtin'; path: string };

export interface RecordingModules {
  /** The kernel profile the emulation runs on (the closest to the recorded kernel). */
  kernel: KernelId;
  sources: Map<string, ModuleSource>;
  /** Modules no open file and no built-in sample provides. */
  missing: string[];
  /** Every module comes from the built-in samples. */
  builtinOnly: boolean;
}

const versionOf = (trace: Trace) => {
  const [major = 0, minor = 0, patch = 0] = (trace.recorded?.version ?? '').split('.').map(Number);
  return { major, minor, patch };
};

const moduleName = (f: LoadedFile) =>
  f.module.elf.modinfo.find((e) => e.key === 'name')?.value ?? f.name.replace(/\.ko(\.\w+)?$/, '');

export function recordingModules(recording: OpenedRecording, files: LoadedFile[]): RecordingModules {
  const kernel = closestProfile(versionOf(recording.trace));
  const sources = new Map<string, ModuleSource>();
  const missing: string[] = [];
  const own = files.filter((f) => f.origin === 'file');
  for (const name of recording.modules) {
    const file = [...own].reverse().find((f) => moduleName(f) === name);
    if (file) sources.set(name, { kind: 'file', file });
    else if (DEMO_MODULES.has(name))
      sources.set(name, { kind: 'builtin', path: `${kernelChoices[kernel].samples}/${name}.ko` });
    else missing.push(name);
  }
  return { kernel, sources, missing, builtinOnly: [...sources.values()].every((s) => s.kind === 'builtin') };
}
