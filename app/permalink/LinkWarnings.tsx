// What of the start link was dropped and why (unknown ids, a step out of range…), shown until
// dismissed: a link that cannot be followed entirely never falls back silently.
import { dismissLinkWarnings, useLinkWarnings } from './start_link.ts';
import './link_warnings.css';

export function LinkWarnings() {
  const warnings = useLinkWarnings();
  if (!warnings.length) return null;
  return (
    <div className="link-warnings" role="status" data-testid="link-warnings">
      <div>
        <p className="link-warnings-title">Parts of this link were dropped; the rest of it is shown.</p>
        <ul>
          {warnings.map((w, i) => (
            <li key={i} data-testid="link-warning">
              {w}
            </li>
          ))}
        </ul>
      </div>
      <button type="button" onClick={dismissLinkWarnings} data-testid="link-warnings-dismiss">
        Dismiss
      </button>
    </div>
  );
}
