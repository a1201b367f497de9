// The built-in sample modules in their scenario roles (public/samples/klp/).
import type { Role } from './scenarios.ts';

export const sampleFiles: Record<Role, string> = {
  T: 'klp/klp_demo_target.ko',
  T2: 'klp/klp_demo_target2.ko',
  P: 'klp/klp_demo_patch.ko',
  R: 'klp/klp_demo_replace.ko',
};
