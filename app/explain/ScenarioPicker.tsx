// What to run: a kernel profile and an ordered list of insmod / rmmod over the built-in samples
// and the files open in the inspector. Editing does not run; "Run" does.
import type { ReactNode } from 'react';
import { getModinfo } from '../../src/elf/modinfo.ts';
import { KERNEL_IDS, kernelChoices } from '../../src/engine/kernels.ts';
import { parseScenarioId, parseStrategyId } from '../../src/engine/parse.ts';
import type { RequestOf, RoleModules, SequenceOp } from '../../src/engine/request.ts';
import { sampleFiles } from '../../src/scenarios/samples.ts';
import { type Role, type ScenarioId, scenarioById, scenarios } from '../../src/scenarios/scenarios.ts';
import { type StrategyId, strategies } from '../../src/strategies/strategies.ts';
import { useKlp } from '../store.ts';
import { useCompare } from './compare_store.ts';
import { type AppRequest, DEFAULT_COMPARE, DEFAULT_SOURCE, type ModuleRef } from './source.ts';
import { explainStore, useExplain } from './store.ts';

type Sequence = RequestOf<'sequence', ModuleRef>;

function refValue(ref: ModuleRef): string {
  return ref.kind === 'sample' ? `sample:${ref.id}` : `file:${ref.key}`;
}

function parseRef(v: string): ModuleRef {
  const [kind, id = ''] = v.split(/:(.*)/s);
  return kind === 'file' ? { kind: 'file', key: id } : { kind: 'sample', id };
}

function useModuleName(): (ref: ModuleRef) => string {
  const files = useKlp((s) => s.files);
  return (ref) => {
    if (ref.kind === 'sample') return ref.id;
    const f = files.find((x) => x.key === ref.key);
    return (f && getModinfo(f.module.elf.modinfo, 'name')) ?? f?.name ?? '(closed file)';
  };
}

export function ScenarioPicker() {
  const source = useExplain((s) => s.source);
  const running = useExplain((s) => s.status.kind === 'running');
  const samples = useKlp((s) => s.samples);
  const files = useKlp((s) => s.files);
  const nameOf = useModuleName();
  if (source.kind === 'compare') return <CompareForm source={source} />;
  if (source.kind !== 'sequence') return <ScenarioForm source={source} running={running} />;
  const update = (patch: Partial<Sequence>) => explainStore.getState().setSource({ ...source, ...patch });
  const setStep = (i: number, s: SequenceOp<ModuleRef>) => update({ ops: source.ops.map((x, j) => (j === i ? s : x)) });
  const remove = (i: number) => update({ ops: source.ops.filter((_, j) => j !== i) });
  const move = (i: number, d: -1 | 1) => {
    const ops = [...source.ops];
    const j = i + d;
    if (j < 0 || j >= ops.length) return;
    [ops[i], ops[j]] = [ops[j]!, ops[i]!];
    update({ ops });
  };
  const inserted = source.ops.flatMap((s) => (s.op === 'insmod' ? [nameOf(s.module)] : []));
  return (
    <PickerForm className="scenario-picker" label="What to load">
      <ModeSwitch mode="sequence" />
      <fieldset className="kernel-choice">
        <legend>kernel</legend>
        {KERNEL_IDS.map((id) => (
          <label key={id} title={kernelChoices[id].title}>
            <input
              type="radio"
              name="kernel"
              value={id}
              checked={source.kernel === id}
              onChange={() => update({ kernel: id })}
            />{' '}
            {kernelChoices[id].label}
          </label>
        ))}
      </fieldset>
      <ol className="sequence">
        {source.ops.map((s, i) => (
          <li key={i}>
            <select
              aria-label={`Step ${i + 1}: operation`}
              value={s.op}
              onChange={(e) =>
                setStep(
                  i,
                  e.currentTarget.value === 'rmmod'
                    ? { op: 'rmmod', name: inserted[0] ?? '' }
                    : { op: 'insmod', module: { kind: 'sample', id: samples[0]?.id ?? '' } },
                )
              }
            >
              <option value="insmod">insmod</option>
              <option value="rmmod">rmmod</option>
            </select>
            {s.op === 'insmod' ? (
              <select
                aria-label={`Step ${i + 1}: module`}
                value={refValue(s.module)}
                onChange={(e) => setStep(i, { op: 'insmod', module: parseRef(e.currentTarget.value) })}
              >
                <optgroup label="Built-in samples">
                  {samples.map((m) => (
                    <option key={m.id} value={`sample:${m.id}`} title={m.description}>
                      {m.file.split('/').pop()}
                    </option>
                  ))}
                </optgroup>
                {files.length > 0 && (
                  <optgroup label="Open in the inspector">
                    {files.map((f) => (
                      <option key={f.key} value={`file:${f.key}`}>
                        {f.name}
                      </option>
                    ))}
                  </optgroup>
                )}
              </select>
            ) : (
              <select
                aria-label={`Step ${i + 1}: module to remove`}
                value={s.name}
                onChange={(e) => setStep(i, { op: 'rmmod', name: e.currentTarget.value })}
              >
                {[...new Set([...inserted, s.name])].filter(Boolean).map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            )}
            <button
              type="button"
              className="icon"
              aria-label={`Move step ${i + 1} up`}
              onClick={() => move(i, -1)}
              disabled={i === 0}
            >
              ↑
            </button>
            <button
              type="button"
              className="icon"
              aria-label={`Move step ${i + 1} down`}
              onClick={() => move(i, 1)}
              disabled={i === source.ops.length - 1}
            >
              ↓
            </button>
            <button type="button" className="icon" aria-label={`Remove step ${i + 1}`} onClick={() => remove(i)}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        onClick={() =>
          update({
            ops: [
              ...source.ops,
              {
                op: 'insmod',
                module: {
                  kind: 'sample',
                  id: samples.find((m) => m.id === 'klp_demo_target2')?.id ?? samples[0]?.id ?? '',
                },
              },
            ],
          })
        }
      >
        + insmod
      </button>
      <button
        type="button"
        onClick={() => update({ ops: [...source.ops, { op: 'rmmod', name: inserted.at(-1) ?? '' }] })}
        disabled={!inserted.length}
      >
        + rmmod
      </button>
      <label
        className="fake"
        title="Give symbols that no table provides an invented address, so a module can load without its dependencies (e.g. a Debian driver)"
      >
        <input
          type="checkbox"
          checked={source.fakeMissingSymbols}
          onChange={(e) => update({ fakeMissingSymbols: e.currentTarget.checked })}
        />{' '}
        invent missing symbols
      </label>
      <button type="submit" className="primary" disabled={running || source.ops.length === 0} data-testid="run">
        {running ? 'Running…' : 'Run'}
      </button>
    </PickerForm>
  );
}

/** Own sequence of modules, or one of the core's scenarios under one strategy. */
function ModeSwitch({ mode }: { mode: AppRequest['kind'] }) {
  return (
    <select
      aria-label="What to run"
      data-testid="mode"
      value={mode}
      onChange={(e) => {
        const v = e.currentTarget.value;
        explainStore
          .getState()
          .setSource(
            v === 'scenario'
              ? { kind: 'scenario', strategy: 'text-poke', scenario: 'late-load' }
              : v === 'compare'
                ? DEFAULT_COMPARE
                : DEFAULT_SOURCE,
          );
      }}
    >
      <option value="sequence">modules in order</option>
      <option value="scenario">scenario × strategy</option>
      <option value="compare">compare strategies</option>
    </select>
  );
}

/** Two or more strategies, one scenario: each strategy a toggle chip, in the core's order. */
function CompareForm({ source }: { source: RequestOf<'compare', ModuleRef> }) {
  const running = useCompare((s) => s.status.kind === 'running');
  const set = (patch: Partial<typeof source>) => explainStore.getState().setSource({ ...source, ...patch });
  const toggle = (id: StrategyId) => {
    const on = source.strategies.includes(id);
    set({ strategies: strategies.map((s) => s.id).filter((x) => (x === id ? !on : source.strategies.includes(x))) });
  };
  return (
    <PickerForm className="scenario-picker compare-picker" label="What to compare">
      <ModeSwitch mode="compare" />
      <ScenarioSelect value={source.scenario} onChange={(scenario) => set({ scenario })} />
      <RolePicker scenario={source.scenario} roles={source.roles} onChange={(roles) => set({ roles })} />
      <fieldset className="strategy-chips" data-testid="compare-strategies">
        <legend>strategies (2 or more)</legend>
        {strategies.map((s) => (
          <label
            key={s.id}
            className={source.strategies.includes(s.id) ? 'chip on' : 'chip'}
            title={`${s.name} — ${s.reality}, kernel ${s.kernel}${s.reconstruction ? '; a reconstruction' : ''}`}
          >
            <input
              type="checkbox"
              checked={source.strategies.includes(s.id)}
              onChange={() => toggle(s.id)}
              data-testid={`compare-${s.id}`}
            />
            <span className="mono">{s.id}</span>
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary" disabled={running || source.strategies.length < 2} data-testid="run">
        {running ? 'Running…' : source.strategies.length < 2 ? 'Pick 2 or more' : `Compare ${source.strategies.length}`}
      </button>
    </PickerForm>
  );
}

function ScenarioForm({ source, running }: { source: RequestOf<'scenario', ModuleRef>; running: boolean }) {
  const set = (patch: Partial<typeof source>) => explainStore.getState().setSource({ ...source, ...patch });
  const strategy = strategies.find((s) => s.id === source.strategy);
  return (
    <PickerForm className="scenario-picker" label="What to run">
      <ModeSwitch mode="scenario" />
      <label>
        strategy{' '}
        <select
          aria-label="Strategy"
          data-testid="strategy"
          value={source.strategy}
          onChange={(e) => {
            const strategy = parseStrategyId(e.currentTarget.value);
            if (strategy) set({ strategy });
          }}
        >
          {strategies.map((s) => (
            <option key={s.id} value={s.id} disabled={!!s.notYet} title={s.notYet ?? s.reality}>
              {s.id} — {s.name}
              {s.notYet ? ' (not emulated yet)' : ''}
            </option>
          ))}
        </select>
      </label>
      <ScenarioSelect value={source.scenario} onChange={(scenario) => set({ scenario })} />
      <RolePicker scenario={source.scenario} roles={source.roles} onChange={(roles) => set({ roles })} />
      {strategy && (
        <span className="muted">
          {strategy.reality}; kernel {strategy.kernel}
          {strategy.reconstruction ? '; a reconstruction of a proposal' : ''}
        </span>
      )}
      <button type="submit" className="primary" disabled={running} data-testid="run">
        {running ? 'Running…' : 'Run'}
      </button>
    </PickerForm>
  );
}

/** The picker's form: submitting it runs what it describes. */
function PickerForm({ className, label, children }: { className: string; label: string; children: ReactNode }) {
  return (
    <form
      className={className}
      aria-label={label}
      data-testid="scenario-picker"
      onSubmit={(e) => {
        e.preventDefault();
        void explainStore.getState().run();
      }}
    >
      {children}
    </form>
  );
}

function ScenarioSelect({ value, onChange }: { value: ScenarioId; onChange(scenario: ScenarioId): void }) {
  return (
    <label>
      scenario{' '}
      <select
        aria-label="Scenario"
        data-testid="scenario"
        value={value}
        onChange={(e) => {
          const scenario = parseScenarioId(e.currentTarget.value);
          if (scenario) onChange(scenario);
        }}
      >
        {scenarios.map((s) => (
          <option key={s.id} value={s.id}>
            {s.id}: {s.title}
          </option>
        ))}
      </select>
    </label>
  );
}

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
function RolePicker({
  scenario,
  roles,
  onChange,
}: {
  scenario: ScenarioId;
  roles: RoleModules<ModuleRef> | undefined;
  onChange(roles: RoleModules<ModuleRef> | undefined): void;
}) {
  const samples = useKlp((s) => s.samples);
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
        const dflt = sampleFiles[role].split('/').pop();
        return (
          <label key={role} title={`${role}: ${ROLE_TITLE[role]}`}>
            <b className="mono">{role}</b>{' '}
            <select
              aria-label={`Module for ${role} (${ROLE_TITLE[role]})`}
              data-testid={`role-${role}`}
              value={ref ? refValue(ref) : ''}
              onChange={(e) => pick(role, e.currentTarget.value)}
            >
              <option value="" title="the built-in sample for this role">
                {dflt}
              </option>
              <optgroup label="Built-in samples">
                {samples
                  .filter((m) => m.file !== sampleFiles[role])
                  .map((m) => (
                    <option key={m.id} value={`sample:${m.id}`} title={m.description}>
                      {m.file.split('/').pop()}
                    </option>
                  ))}
              </optgroup>
              {files.length > 0 && (
                <optgroup label="Open in the inspector">
                  {files.map((f) => (
                    <option key={f.key} value={`file:${f.key}`}>
                      {f.name}
                      {f.origin === 'sample' ? ' (sample)' : ''}
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

/** For the status line: which chosen modules the run on screen used per role (the rest are the samples). */
export function RanRoles() {
  const ran = useExplain((s) => s.ran);
  const samples = useKlp((s) => s.samples);
  const files = useKlp((s) => s.files);
  if (!ran || ran.kind === 'sequence' || !ran.roles) return null;
  const label = (ref: ModuleRef) =>
    ref.kind === 'file'
      ? (files.find((f) => f.key === ref.key)?.name ?? '(closed file)')
      : (samples
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
