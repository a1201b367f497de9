// The demo roles: which built-in module (a klp_demo_* module, built from sample_sources/ into
// public/samples/klp/ against Debian's 6.1 headers and into public/samples/klp-6.12/ against its
// 6.12 headers) plays each scenario role when the user names no other. A run plays the build of
// the kernel it runs on (KernelChoice.samples in src/engine/kernels.ts). Paths are relative to
// public/samples/.
import type { KernelChoice } from '../engine/kernels.ts';
import type { Role } from './scenarios.ts';

const demoFiles: Record<Role, string> = {
  T: 'klp_demo_target.ko',
  T2: 'klp_demo_target2.ko',
  P: 'klp_demo_patch.ko',
  R: 'klp_demo_replace.ko',
};

/** The demo module of each role in one build of public/samples/. */
export const demoRoleFiles = (folder: KernelChoice['samples']): Record<Role, string> =>
  Object.fromEntries(Object.entries(demoFiles).map(([role, file]) => [role, `${folder}/${file}`])) as Record<
    Role,
    string
  >;
