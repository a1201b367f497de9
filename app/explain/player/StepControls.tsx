// The single-trace view's player bar: its steps, jumping by phase.
import { explainStore, useExplain } from '../state/explain_store.ts';
import { PlayerControls } from './PlayerControls.tsx';

export function StepControls({ steps }: { steps: number }) {
  const step = useExplain((s) => s.step);
  return (
    <PlayerControls
      player={explainStore}
      at={step}
      count={steps}
      unit="step"
      section="phase"
      label="Step controls"
      playTestId="play"
      countTestId="step-count"
    />
  );
}
