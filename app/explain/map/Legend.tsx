// The fixed legend: permission colours with their badge and hatch, and the marks.

import { PermCode } from '../../../src/trace/perm_code.ts';
import { LEGEND_ORDER, MARK, PERM_STYLE } from '../../../src/view_model/palette.ts';

export function Legend() {
  return (
    <ul className="perm-legend" aria-label="Legend" data-testid="legend">
      {LEGEND_ORDER.map((code) => {
        const s = PERM_STYLE[code];
        return (
          <li key={code} className={code === PermCode.RWX ? 'alarm' : undefined}>
            <span
              className={`swatch perm-${code}`}
              style={{ background: code === PermCode.Freed ? 'transparent' : s.fill }}
              aria-hidden="true"
            >
              <b>{s.badge}</b>
            </span>
            <span>{s.meaning}</span>
          </li>
        );
      })}
      <li>
        <span className="swatch mark" style={{ background: MARK.current }} aria-hidden="true" />
        <span>written this step (click: details)</span>
      </li>
      <li>
        <span className="swatch mark earlier" aria-hidden="true" />
        <span>written earlier</span>
      </li>
      <li>
        <span className="swatch flip" aria-hidden="true" />
        <span>permission changed this step</span>
      </li>
    </ul>
  );
}
