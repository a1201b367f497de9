// What the user does, as scripts of module operations (ids are part of URLs and the CLI). Roles:
// T and T2 are the patch's target modules, P the livepatch, R a cumulative replacement of P.

/** Every role, in the order the roles of a run are listed and resolved. */
export const ROLES = ['T', 'T2', 'P', 'R'] as const;
export type Role = (typeof ROLES)[number];

export type ScenarioOp =
  /** `dependency`: loaded by modprobe because that patch module depends on it (forbid-late) */
  { op: 'insmod'; role: Role; dependency?: string } | { op: 'rmmod'; role: Role } | { op: 'disable'; role: Role };

export type ScenarioId =
  | 'target-first'
  | 'late-load'
  | 'unload'
  | 'reload'
  | 'two-targets'
  | 'disable-remove'
  | 'atomic-replace';

export interface Scenario {
  id: ScenarioId;
  title: string;
  ops: ScenarioOp[];
}

const insmod = (role: Role): ScenarioOp => ({ op: 'insmod', role });
const rmmod = (role: Role): ScenarioOp => ({ op: 'rmmod', role });

export const scenarios: Scenario[] = [
  { id: 'target-first', title: 'targets loaded, then the patch', ops: [insmod('T'), insmod('T2'), insmod('P')] },
  { id: 'late-load', title: 'patch loaded, then its target (late module patching)', ops: [insmod('P'), insmod('T')] },
  {
    id: 'unload',
    title: 'patch and target loaded, then the target removed',
    ops: [insmod('P'), insmod('T'), rmmod('T')],
  },
  { id: 'reload', title: 'target removed and loaded again', ops: [insmod('P'), insmod('T'), rmmod('T'), insmod('T')] },
  {
    id: 'two-targets',
    title: 'one target present, the other loaded later',
    ops: [insmod('T'), insmod('P'), insmod('T2')],
  },
  {
    id: 'disable-remove',
    title: 'patch disabled and removed',
    ops: [insmod('T'), insmod('P'), { op: 'disable', role: 'P' }, rmmod('P')],
  },
  {
    id: 'atomic-replace',
    title: 'a cumulative patch replaces the first',
    ops: [insmod('T'), insmod('P'), insmod('R')],
  },
];

export const scenarioById = (id: ScenarioId) => scenarios.find((s) => s.id === id);
