// A step's "view source" link on elixir.bootlin.com at the kernel version the emulation follows:
// the exact line of the function's definition from that version's line table
// (source_lines.ts), the file at that version for a step that names no kernel function, and
// nothing for a step that is no kernel code at all (the scenario's own steps).
import { SOURCE_TABLES } from './source_lines.ts';
import type { Step } from './types.ts';

export { SOURCE_TABLES } from './source_lines.ts';

const ELIXIR = 'https://elixir.bootlin.com/linux';

export interface SourceLink {
  url: string;
  /** e.g. "kernel/module/main.c:2630" or "kernel/module/main.c (v6.1.192)". */
  label: string;
  /** True when the link points at the function's definition line. */
  exact: boolean;
}

/** "v6.1.192 (Debian 6.1.192-2)" → "v6.1.192": the tag a profile's version names first. */
export const elixirTag = (version: string) => version.split(/\s/)[0] ?? version;

/** A kernel source path (not "reconstruction of …"). */
const KERNEL_PATH = /^[\w./-]+\.[ch]$/;

/**
 * Where the code of `fn` is in `version`: its line table's file, or `file` moved to where that
 * version keeps it. The emulated kernel records every step's file through this.
 */
export function sourceFileAt(version: string, fn: string, file: string): string {
  const table = SOURCE_TABLES[elixirTag(version)];
  if (!table || !KERNEL_PATH.test(file)) return file;
  return table.lines[fn]?.[0] ?? table.renames[file] ?? file;
}

export function sourceLink(fn: string, version: string, file?: string): SourceLink | undefined {
  const tag = elixirTag(version);
  const known = SOURCE_TABLES[tag]?.lines[fn];
  if (known)
    return { url: `${ELIXIR}/${tag}/source/${known[0]}#L${known[1]}`, label: `${known[0]}:${known[1]}`, exact: true };
  if (file && KERNEL_PATH.test(file))
    return { url: `${ELIXIR}/${tag}/source/${file}`, label: `${file} (${tag})`, exact: false };
  return undefined;
}

/** The link for the function a step is in; none for a step without kernel source. */
export function stepSourceLink(step: Step, traceVersion: string): SourceLink | undefined {
  if (!step.source) return undefined;
  return sourceLink(step.source.fn, step.source.version || traceVersion, step.source.file);
}
