import { OpenFileButton } from './OpenFileButton.tsx';
import { SamplePicker } from './SamplePicker.tsx';

export function AppHeader() {
  return (
    <header className="app-header" role="banner">
      <div className="brand">
        <h1>klp-lab</h1>
        <span className="tagline">what the kernel's module loader sees in a .ko</span>
      </div>
      <p className="privacy" data-testid="privacy">
        <span aria-hidden="true">🔒</span> Files never leave your browser: modules are decoded locally, nothing is uploaded.
      </p>
      <div className="actions">
        <SamplePicker />
        <OpenFileButton />
      </div>
    </header>
  );
}
