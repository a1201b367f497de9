// What to run, edited in place: a sequence of modules, one scenario under one strategy, or a
// comparison of strategies. Editing does not run; "Run" does.
import { useExplain } from '../state/explain_store.ts';
import { SequenceForm } from './SequenceForm.tsx';
import { CompareForm, ScenarioForm } from './StrategyForms.tsx';

export function ScenarioPicker() {
  const source = useExplain((s) => s.source);
  const running = useExplain((s) => s.status.kind === 'running');
  if (source.kind === 'compare') return <CompareForm source={source} />;
  if (source.kind === 'scenario') return <ScenarioForm source={source} running={running} />;
  return <SequenceForm source={source} running={running} />;
}
