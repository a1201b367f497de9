// A step's "view source" link on elixir.bootlin.com at the kernel version the emulation follows.
// Exact lines exist for v6.1.192 (source_lines.ts, from Debian's 6.1.192 tree); other versions
// and unknown functions get elixir's identifier search.
import { SOURCE_LINES, SOURCE_VERSION } from './source_lines.ts';
import type { Step } from './types.ts';

const ELIXIR = 'https://elixir.bootlin.com/linux';

export interface SourceLink {
  url: string;
  /** e.g. "kernel/module/main.c:2630" or "identifier complete_formation". */
  label: string;
  /** True when the link points at the function's definition line. */
  exact: boolean;
}

/** "v6.1.192 (Debian 6.1.192-2)" → "v6.1.192". */
const elixirTag = (version: string) => version.split(/\s/)[0] ?? version;

const IDENT = /^[A-Za-z_]\w*$/;

export function sourceLink(fn: string, version: string, file?: string): SourceLink | undefined {
  const tag = elixirTag(version);
  const known = SOURCE_LINES[fn];
  if (known && tag === SOURCE_VERSION)
    return { url: `${ELIXIR}/${tag}/source/${known[0]}#L${known[1]}`, label: `${known[0]}:${known[1]}`, exact: true };
  if (IDENT.test(fn))
    return { url: `${ELIXIR}/${tag}/C/ident/${fn}`, label: `${fn} (identifier search, ${tag})`, exact: false };
  if (file) return { url: `${ELIXIR}/${tag}/source/${file}`, label: `${file} (${tag})`, exact: false };
  return undefined;
}

/** The link for the function a step is in. */
export function stepSourceLink(step: Step, traceVersion: string): SourceLink | undefined {
  const fn = step.source?.fn ?? step.path.at(-1);
  if (!fn) return undefined;
  return sourceLink(fn, step.source?.version ?? traceVersion, step.source?.file);
}
