// Which module plays each role of a scenario, and (for the status line) which ones a run used.

import { kernelChoices } from '../../../src/engine/kernels.ts';
import type { RoleModules } from '../../../src/engine/request.ts';
import { demoRoleFiles } from '../../../src/scenarios/demo_roles.ts';
import { type Role, type ScenarioId, scenarioById } from '../../../src/scenarios/scenarios.ts';
import { useKlp } from '../../store.ts';
import { useExplain } from '../state/explain_store.ts';
import type { ModuleRef } from '../state/request.ts';
import { builtinLabel, openFileLabel, parseRef, refValue } from './module_ref.ts';

/** What each role is, in the order the pickers list them. */
const ROLE_TITLE: Record<Role, string> = {
  P: 'the livepatch',
  T: 'the first target module',
  T2: 'the second target module',
  R: 'the replacing (cumulative) livepatch',
};

/**
 * Which module plays each role the scenario uses: the built-in sample by default, another sample,
 * or one of the user's files open in the inspector.
 */
export function RolePicker({
  scenario,
  roles,
  onChange,
}: {
  scenario: ScenarioId;
  roles: RoleModules<ModuleRef> | undefined;
  onChange(roles: RoleModules<ModuleRef> | undefined): void;
}) {
  const builtins = useKlp((s) => s.builtins);
  const files = useKlp((s) => s.files);
  const used = [...new Set(scenarioById(scenario)?.ops.map((o) => o.role) ?? [])].sort(
    (a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b),
  );
  const pick = (role: Role, value: string) => {
    const next: RoleModules<ModuleRef> = { ...roles };
    if (value === '') delete next[role];
    else next[role] = parseRef(value);
    onChange(Object.keys(next).length ? next : undefined);
  };
  return (
    <fieldset className="role-picker" data-testid="role-picker">
      <legend>modules</legend>
      {used.map((role) => {
        const ref = roles?.[role];
        // the same file name in every build: the run plays the one built for its kernel
        const dflt = demoRoleFiles('klp')[role].split('/').pop();
        return (
          <label key={role} title={`${role}: ${ROLE_TITLE[role]}`}>
            <b className="mono">{role}</b>{' '}
            <select
              aria-label={`Module for ${role} (${ROLE_TITLE[role]})`}
              data-testid={`role-${role}`}
              value={ref ? refValue(ref) : ''}
              onChange={(e) => pick(role, e.currentTarget.value)}
            >
              <option value="" title="the built-in sample for this role, built for the kernel the strategy runs on">
                {dflt}
              </option>
              <optgroup label="Built-in samples">
                {builtins
                  .filter((m) => !DEMO_BUILDS.some((b) => m.file === demoRoleFiles(b)[role]))
                  .map((m) => (
                    <option key={m.id} value={`sample:${m.id}`} title={m.description}>
                      {builtinLabel(m)}
                    </option>
                  ))}
              </optgroup>
              {files.length > 0 && (
                <optgroup label="Open in the inspector">
                  {files.map((f) => (
                    <option key={f.key} value={`file:${f.key}`}>
                      {openFileLabel(f)}
                    </option>
                  ))}
                </optgroup>
              )}
              {ref?.kind === 'file' && !files.some((f) => f.key === ref.key) && (
                <option value={refValue(ref)}>(closed file)</option>
              )}
            </select>
          </label>
        );
      })}
    </fieldset>
  );
}

const ROLE_ORDER = Object.keys(ROLE_TITLE) as Role[];
const DEMO_BUILDS = [...new Set(Object.values(kernelChoices).map((c) => c.samples))];

/** For the status line: which chosen modules the run on screen used per role (the rest are the built-in modules). */
export function RanRoles() {
  const ran = useExplain((s) => s.ran);
  const builtins = useKlp((s) => s.builtins);
  const files = useKlp((s) => s.files);
  if (!ran || ran.kind === 'sequence' || !ran.roles) return null;
  const label = (ref: ModuleRef) =>
    ref.kind === 'file'
      ? (files.find((f) => f.key === ref.key)?.name ?? '(closed file)')
      : (builtins
          .find((m) => m.id === ref.id)
          ?.file.split('/')
          .pop() ?? ref.id);
  const chosen = ROLE_ORDER.flatMap((r) => (ran.roles?.[r] ? [`${r} = ${label(ran.roles[r])}`] : []));
  if (!chosen.length) return null;
  return (
    <span className="ran-roles" data-testid="ran-roles">
      {' '}
      on {chosen.join(', ')}{' '}
    </span>
  );
}
