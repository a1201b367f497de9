// The parts every picker form shares: the form itself (submitting it runs), the mode switch and
// the scenario select.
import type { ReactNode } from 'react';
import { parseScenarioId } from '../../../src/engine/parse.ts';
import { type ScenarioId, scenarios } from '../../../src/scenarios/scenarios.ts';
import { explainStore } from '../state/explain_store.ts';
import { type AppRequest, DEFAULT_COMPARE, DEFAULT_SOURCE } from '../state/request.ts';

/** Own sequence of modules, or one of the core's scenarios under one strategy. */
export function ModeSwitch({ mode }: { mode: AppRequest['kind'] }) {
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

/** The picker's form: submitting it runs what it describes. */
export function PickerForm({ className, label, children }: { className: string; label: string; children: ReactNode }) {
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

export function ScenarioSelect({ value, onChange }: { value: ScenarioId; onChange(scenario: ScenarioId): void }) {
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
