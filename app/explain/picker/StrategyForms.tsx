// What to run through the core's scenarios: one strategy over a scenario, or several side by side.

import { kernelChoices } from '../../../src/engine/kernels.ts';
import { parseStrategyId } from '../../../src/engine/parse.ts';
import type { RequestOf } from '../../../src/engine/request.ts';
import { type StrategyId, strategies } from '../../../src/strategies/strategies.ts';
import { useCompare } from '../compare/compare_store.ts';
import { explainStore } from '../state/explain_store.ts';
import type { ModuleRef } from '../state/request.ts';
import { ModeSwitch, PickerForm, ScenarioSelect } from './form_parts.tsx';
import { RolePicker } from './RolePicker.tsx';

/** Two or more strategies, one scenario: each strategy a toggle chip, in the core's order. */
export function CompareForm({ source }: { source: RequestOf<'compare', ModuleRef> }) {
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
            title={`${s.name} — ${s.reality}, kernel ${s.kernel}${s.kernelWhy ? ` (${s.kernelWhy})` : ''} (${kernelChoices[s.kernel].checked === 'real' ? 'held to the real kernel' : 'source only'})${s.reconstruction ? '; a reconstruction' : ''}`}
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

export function ScenarioForm({ source, running }: { source: RequestOf<'scenario', ModuleRef>; running: boolean }) {
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
          {strategy.kernelWhy ? ` — ${strategy.kernelWhy}` : ''} (
          {kernelChoices[strategy.kernel].checked === 'real' ? 'held to the real kernel' : 'follows the source only'})
          {strategy.reconstruction ? '; a reconstruction of a proposal' : ''}
        </span>
      )}
      <button type="submit" className="primary" disabled={running} data-testid="run">
        {running ? 'Running…' : 'Run'}
      </button>
    </PickerForm>
  );
}
