// The machine the emulated kernel runs on: what the real kernel decided at boot from its CPU
// and command line, and which the loader's patching reads — CPU feature bits for
// alternatives, the Spectre v2 / return-thunk choices for retpoline and return sites, the
// number of CPUs for lock prefixes, the preemption model for static calls. As data, so a
// different machine is a different profile, not different code.

import { X86_FEATURES } from './arch/x86/cpufeatures.ts';
import capture from './machines/debian-6.1.192-qemu-tcg-max.json';

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
}

/**
 * The real kernel of the oracle capture: Debian 6.1.192-2 under QEMU TCG `-cpu max`, one CPU.
 * Everything but cpuFlags is what that boot chose, as the oracle's memory images show it:
 * spectre_v2 "Retpolines" (retpoline sites left alone), no return thunk (return sites become
 * `ret; int3`), one possible CPU (lock prefixes become DS), PREEMPT_DYNAMIC in voluntary mode
 * (preempt_schedule* sites are NOPs), no tracer, and no vmlinux key a module uses flipped.
 */
export const debian61QemuTcgMax: MachineProfile = {
  name: 'Debian 6.1.192-2, QEMU TCG -cpu max, 1 CPU (the oracle capture)',
  cpuFlags: capture.cpu_flags,
  // X86_FEATURE_ALWAYS is set on every x86 CPU (setup_force_cpu_cap in early_identify_cpu)
  syntheticFeatures: ['X86_FEATURE_ALWAYS'],
  possibleCpus: 1,
  presentCpus: 1,
  noreplaceSmp: false,
  spectreV2: 'Retpolines',
  returnThunk: 'none',
  itsIndirectThunks: false,
  ibt: false,
  xenpv: false,
  preempt: 'voluntary',
  ftraceActive: false,
  staticKeysFlipped: [],
};

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
