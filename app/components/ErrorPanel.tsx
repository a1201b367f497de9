import { visibleText } from '../format.ts';
import { useKlp } from '../store.ts';

/** The kernel's refusal, verbatim, as dmesg and insmod would show it. */
export function ErrorPanel() {
  const error = useKlp((s) => s.error);
  const dismiss = useKlp((s) => s.dismissError);
  if (!error) return null;

  return (
    <section className="error-panel" role="alert" data-testid="error-panel" aria-labelledby="error-title">
      <div className="error-head">
        <h2 id="error-title">
          {error.kind === 'load-error' ? 'The kernel would refuse this module' : 'Could not open the file'}
          {error.fileName ? <span className="mono"> — {error.fileName}</span> : null}
        </h2>
        <button type="button" onClick={dismiss} aria-label="Dismiss error">
          Dismiss
        </button>
      </div>
      {error.kind === 'load-error' ? (
        <>
          <pre className="kernel-message" data-testid="kernel-message">
            {visibleText(error.error.message)}
          </pre>
          <dl className="error-facts">
            <dt>errno</dt>
            <dd className="mono" data-testid="errno">
              {error.error.errnoName} ({error.error.errno}) · init_module() returns -{error.error.errnoName}
            </dd>
            <dt>refused in</dt>
            <dd className="mono" data-testid="error-where">
              {error.error.where}()
            </dd>
          </dl>
        </>
      ) : (
        <pre className="kernel-message" data-testid="app-error-message">
          {visibleText(error.message)}
        </pre>
      )}
      <p className="muted">The app is ready for the next file: open or drop another module.</p>
    </section>
  );
}
