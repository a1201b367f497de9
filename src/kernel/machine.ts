// The machine the emulated kernel runs on: what the real kernel decided at boot from its CPU
// and command line, and which the loader's patching reads — CPU feature bits for
// alternatives, the Spectre v2 / return-thunk choices for retpoline and return sites, the
// number of CPUs for lock prefixes, the preemption model for static calls. As data, so a
// different machine is a different profile, not different code.

import { X86_FEATURES } from './arch/x86/cpufeatures.ts';
import debian61 from './machines/debian-6.1.192-qemu-tcg-max.json';
import debian612 from './machines/debian-6.12.118-qemu-tcg-max.json';

export interface MachineProfile {
  name: string;
  /** The `flags` line of /proc/cpuinfo (boot_cpu_data's visible bits). */
  cpuFlags: readonly string[];
  /**
   * Synthetic X86_FEATURE_* bits (the ones cpuinfo hides, `""` in cpufeatures.h) that boot
   * code set for itself, by macro name, beyond those the choices below imply.
   */
  syntheticFeatures: readonly string[];
  /** num_possible_cpus() and num_present_cpus(). */
  possibleCpus: number;
  presentCpus: number;
  /** The noreplace-smp boot option. */
  noreplaceSmp: boolean;
  /** spectre_v2 mitigation as /sys/.../vulnerabilities/spectre_v2 names it; sets X86_FEATURE_RETPOLINE(_LFENCE). */
  spectreV2: 'Retpolines' | 'LFENCE' | 'Enhanced IBRS' | 'none';
  /** The return thunk the retbleed/SRSO/ITS mitigations chose (X86_FEATURE_RETHUNK), or none. */
  returnThunk: 'none' | '__x86_return_thunk' | 'retbleed_return_thunk' | 'srso_return_thunk' | 'its_return_thunk';
  /** ITS indirect-branch thunks (X86_FEATURE_INDIRECT_THUNK_ITS). */
  itsIndirectThunks: boolean;
  /** Kernel IBT in use (X86_FEATURE_IBT left set). */
  ibt: boolean;
  /** A Xen PV guest (X86_FEATURE_XENPV): what paravirt patching and !XENPV alternatives test. */
  xenpv: boolean;
  /** PREEMPT_DYNAMIC's choice: decides the preempt_schedule / cond_resched static calls. */
  preempt: 'none' | 'voluntary' | 'full';
  /** ftrace_start_up: some ftrace_ops registered (a tracer or a livepatch), so COMING modules get their records enabled. */
  ftraceActive: boolean;
  /**
   * vmlinux static keys whose state is not their default (DEFINE_STATIC_KEY_TRUE/FALSE), by
   * symbol name. A key not listed is taken to be in its default state.
   */
  staticKeysFlipped: readonly string[];
  /**
   * Where the per-cpu reserved chunk that modules' `.data..percpu` comes from starts (offset in
   * the per-cpu area: after vmlinux's static per-cpu data, pcpu_setup_first_chunk()).
   */
  percpuModuleBase: bigint;
  /**
   * What pv_ops (struct paravirt_patch_template, arch/x86/kernel/paravirt.c) holds after boot:
   * its address, its slots in order, and nop_func (paravirt_nop). 6.8+ turns a module's pv_ops
   * calls into direct calls to these (alt_replace_call()); null when not recorded.
   */
  pvOps: { address: bigint; nopFunc: bigint; slots: readonly bigint[] } | null;
}

/** A machine as its JSON file records it (src/kernel/machines/*.json): every value with its provenance. */
interface MachineFile {
  name: string;
  provenance: Record<string, string>;
  cpu_flags: string[];
  synthetic_features: string[];
  possible_cpus: number;
  present_cpus: number;
  noreplace_smp: boolean;
  spectre_v2: string;
  return_thunk: string;
  its_indirect_thunks: boolean;
  ibt: boolean;
  xenpv: boolean;
  preempt: string;
  ftrace_active: boolean;
  static_keys_flipped: string[];
  percpu_module_base: string;
  pv_ops?: { address: string; nop_func: string; slots: string[] };
}

function machineFrom(f: MachineFile): MachineProfile {
  return {
    name: f.name,
    cpuFlags: f.cpu_flags,
    syntheticFeatures: f.synthetic_features,
    possibleCpus: f.possible_cpus,
    presentCpus: f.present_cpus,
    noreplaceSmp: f.noreplace_smp,
    spectreV2: f.spectre_v2 as MachineProfile['spectreV2'],
    returnThunk: f.return_thunk as MachineProfile['returnThunk'],
    itsIndirectThunks: f.its_indirect_thunks,
    ibt: f.ibt,
    xenpv: f.xenpv,
    preempt: f.preempt as MachineProfile['preempt'],
    ftraceActive: f.ftrace_active,
    staticKeysFlipped: f.static_keys_flipped,
    percpuModuleBase: BigInt(f.percpu_module_base),
    pvOps: f.pv_ops
      ? { address: BigInt(f.pv_ops.address), nopFunc: BigInt(f.pv_ops.nop_func), slots: f.pv_ops.slots.map(BigInt) }
      : null,
  };
}

/**
 * The machines the real captures ran on, by name. Each is what that boot chose, as its log and
 * memory images show it (the JSON gives every value's source): Debian 6.1.192-2 and Debian
 * 6.12.118 under QEMU TCG `-cpu max`, one CPU — spectre_v2 "Retpolines" (retpoline sites left
 * alone), no return thunk (return sites become `ret; int3`), one possible CPU (lock prefixes
 * become DS), PREEMPT_DYNAMIC in voluntary mode (preempt_schedule* sites are NOPs), no tracer,
 * and no vmlinux key a module uses flipped.
 */
export const machines = {
  'debian-6.1.192-qemu-tcg-max': machineFrom(debian61),
  'debian-6.12.118-qemu-tcg-max': machineFrom(debian612),
} satisfies Record<string, MachineProfile>;

export type MachineId = keyof typeof machines;

/** boot_cpu_has() over a profile: a feature bit number (X86_FEATURE_* / X86_BUG_*) → set? */
export class CpuCaps {
  private readonly set = new Set<number>();
  /** Macro names of hidden bits the profile said nothing about (reported, taken as clear). */
  readonly undecided = new Set<string>();
  private readonly hidden = new Map<number, string>();
  private readonly decided: Set<string>;

  constructor(readonly machine: MachineProfile) {
    const flags = new Set(machine.cpuFlags);
    const synth = new Set(machine.syntheticFeatures);
    if (machine.spectreV2 === 'Retpolines' || machine.spectreV2 === 'LFENCE') synth.add('X86_FEATURE_RETPOLINE');
    if (machine.spectreV2 === 'LFENCE') synth.add('X86_FEATURE_RETPOLINE_LFENCE');
    if (machine.returnThunk !== 'none') synth.add('X86_FEATURE_RETHUNK');
    if (machine.returnThunk === 'retbleed_return_thunk') synth.add('X86_FEATURE_UNRET');
    if (machine.itsIndirectThunks) synth.add('X86_FEATURE_INDIRECT_THUNK_ITS');
    if (machine.xenpv) synth.add('X86_FEATURE_XENPV');
    const managed = ['RETPOLINE', 'RETPOLINE_LFENCE', 'RETHUNK', 'UNRET', 'INDIRECT_THUNK_ITS', 'XENPV'].map(
      (m) => `X86_FEATURE_${m}`,
    );
    this.decided = new Set([...synth, ...managed]);
    for (const [bit, macro, cpuinfo] of X86_FEATURES) {
      if (macro === 'X86_FEATURE_IBT') {
        if (machine.ibt) this.set.add(bit);
        continue;
      }
      if (cpuinfo ? flags.has(cpuinfo) : synth.has(macro)) this.set.add(bit);
      if (!cpuinfo) this.hidden.set(bit, macro);
    }
  }

  has(bit: number): boolean {
    const on = this.set.has(bit);
    const hiddenName = this.hidden.get(bit);
    if (!on && hiddenName && !this.decided.has(hiddenName)) this.undecided.add(hiddenName);
    return on;
  }

  static nameOf(bit: number): string {
    const f = X86_FEATURES.find(([b]) => b === bit);
    return f ? f[1].replace(/^X86_FEATURE_/, '') : `${bit >> 5}*32+${bit & 31}`;
  }
}

// asked once per patch site (apply_retpolines/apply_returns on a big module: 100k+ times)
const featureBits = new Map<string, number>();
export const X86_FEATURE = (macro: string): number => {
  let bit = featureBits.get(macro);
  if (bit === undefined) {
    const f = X86_FEATURES.find(([, m]) => m === `X86_FEATURE_${macro}`);
    if (!f) throw new Error(`no X86_FEATURE_${macro}`);
    featureBits.set(macro, (bit = f[0]));
  }
  return bit;
};
