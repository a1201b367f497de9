// The emulation of what a recording did: the same operations (insmod, rmmod, livepatch disable,
// in the recorded order) on the kernel profile closest to the recorded kernel, as a RunRequest the
// engine runs like any other sequence. The caller hands over its modules by module name (the
// recording names modules, not files) and runs the request with its own resolver and symbols.
import { KERNEL_IDS } from '../engine/kernels.ts';
import type { RequestOf, SequenceOp } from '../engine/request.ts';
import type { SequenceOutcome } from '../engine/sequence.ts';
import type { KernelId } from '../kernel/profile.ts';
import type { RecordedOp, Trace } from '../trace/types.ts';
import type { KernelVersion } from './types.ts';

const versionOf = (id: KernelId): [number, number] => {
  const [major = 0, minor = 0] = id.split('.').map(Number);
  return [major, minor];
};

/**
 * The profile for a recorded kernel: the newest profile not newer than it within its major version
 * (6.1.x → 6.1, 6.12 → 6.12 or else the newest 6.x one, 5.x → 5.4), else the newest older one, else
 * the oldest profile.
 */
export function closestProfile(v: KernelVersion): KernelId {
  const older = KERNEL_IDS.filter((id) => {
    const [major, minor] = versionOf(id);
    return major < v.major || (major === v.major && minor <= v.minor);
  });
  const sameMajor = older.filter((id) => versionOf(id)[0] === v.major);
  const byVersion = (a: KernelId, b: KernelId) => {
    const [am, an] = versionOf(a);
    const [bm, bn] = versionOf(b);
    return am - bm || an - bn;
  };
  const pick = (ids: KernelId[]) => [...ids].sort(byVersion).at(-1);
  return pick(sameMajor) ?? pick(older) ?? [...KERNEL_IDS].sort(byVersion)[0]!;
}

export interface RecordingEmulation<M> {
  request: RequestOf<'sequence', M>;
  /** The operations of the recording, in order (those of `request` are the same, up to the first missing module). */
  ops: RecordedOp[];
  /** Modules an insmod of the recording loads that `modules` does not have: the request stops before the first. */
  missing: string[];
}

/**
 * The request that replays `real` (a recorded trace, recordingToTrace()) on the emulator:
 * `modules` gives, per module name, the caller's reference to that module's .ko.
 */
export function emulateRecording<M>(real: Trace, modules: (name: string) => M | undefined): RecordingEmulation<M> {
  if (!real.recorded) throw new Error('not a recorded trace');
  const [major = 0, minor = 0, patch = 0] = real.recorded.version.split('.').map(Number);
  const version: KernelVersion = { major, minor, patch };
  const recorded = real.recorded.ops;
  const ops: SequenceOp<M>[] = [];
  const missing: string[] = [];
  for (const o of recorded) {
    if (o.op !== 'insmod') {
      if (!missing.length) ops.push({ op: o.op, name: o.module });
      continue;
    }
    const module = modules(o.module);
    if (module === undefined) {
      if (!missing.includes(o.module)) missing.push(o.module);
    } else if (!missing.length) ops.push({ op: 'insmod', module });
  }
  return {
    request: { kind: 'sequence', kernel: closestProfile(version), ops, fakeMissingSymbols: false },
    ops: recorded,
    missing,
  };
}

/**
 * The emulation's operations as a recording's, for diffRecording(): the request's operations are
 * the recording's in order, so each is named by the module the recording names (a file may be
 * called anything).
 */
export function emulatedOps(
  emulation: RecordingEmulation<unknown>,
  outcomes: readonly SequenceOutcome[],
): RecordedOp[] {
  return outcomes.map((o, i) => ({
    op: o.op,
    module: emulation.ops[i]?.module ?? o.module.replace(/\.ko(\.(gz|xz|zst))?$/, ''),
    step: o.step,
    ok: o.ok,
    ...(o.errno ? { errno: o.errno } : {}),
    ...(o.message ? { message: o.message } : {}),
  }));
}
