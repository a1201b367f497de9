import { useKlp } from '../store.ts';
import { BuiltinPicker } from './BuiltinPicker.tsx';
import { OpenFileButton } from './OpenFileButton.tsx';
import { RecordHelp } from './RecordHelp.tsx';
import { ViewSwitch } from './ViewSwitch.tsx';
import './app_header_narrow.css';

export function AppHeader() {
  const view = useKlp((s) => s.view);
  return (
    <header className="app-header">
      <div className="brand">
        <h1>klp-lab</h1>
        <span className="tagline">what the kernel's module loader sees in a .ko</span>
      </div>
      <ViewSwitch />
      <p className="privacy" data-testid="privacy">
        <svg width="12" height="14" viewBox="0 0 12 14" aria-hidden="true" focusable="false">
          <rect x="1" y="6" width="10" height="7.5" rx="1.5" fill="currentColor" />
          <path d="M3.2 6V4.2a2.8 2.8 0 0 1 5.6 0V6" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
        <span>
          Files never leave your browser<span className="privacy-more"> — decoded locally, nothing is uploaded</span>.
        </span>
      </p>
      <div className="actions">
        {view === 'inspect' && <BuiltinPicker />}
        <RecordHelp />
        <OpenFileButton />
      </div>
    </header>
  );
}
