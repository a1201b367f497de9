// The demo roles: which built-in module (a klp_demo_* module, built from sample_sources/ into
// public/samples/klp/) plays each scenario role when the user names no other. Paths are relative
// to public/samples/.
import type { Role } from './scenarios.ts';

export const demoRoleFiles: Record<Role, string> = {
  T: 'klp/klp_demo_target.ko',
  T2: 'klp/klp_demo_target2.ko',
  P: 'klp/klp_demo_patch.ko',
  R: 'klp/klp_demo_replace.ko',
};
