// Fitting a figure's labels into their boxes without a canvas to measure: an upper bound of each
// text's width, word wrapping within a width, and — when even the shortest complete form of a
// label does not fit — a numbered key drawn in its place and the whole label written out under
// the figure. A label is never cut: it is whole, wrapped, or replaced by a key to it.

/** The fonts a figure uses: a monospace family (every glyph 0.6 em) or a proportional sans. */
export type Face = 'mono' | 'sans';

/** Monospace advance with a margin (DejaVu Sans Mono and Menlo are 0.602 em, Consolas 0.55). */
const MONO_EM = 0.62;
/** Upper bounds of proportional advances (DejaVu Sans is the widest common sans), by class. */
const NARROW = /[ijlt.,:;'|!()[\]{} ]/;
const WIDE = /[mwMW@%&]/;

/** An upper bound of the width of `s` at `px` in `face`. */
export function textWidth(s: string, px: number, face: Face = 'mono'): number {
  if (face === 'mono') return [...s].length * px * MONO_EM;
  let em = 0;
  for (const c of s) em += NARROW.test(c) ? 0.4 : WIDE.test(c) ? 1.0 : c >= 'A' && c <= 'Z' ? 0.78 : 0.64;
  return em * px;
}

/**
 * `s` broken at spaces into lines no wider than `width`; a word wider than a line is split
 * between characters (nothing is dropped). Empty input gives no line.
 */
export function wrapToWidth(s: string, width: number, px: number, face: Face = 'mono'): string[] {
  const fits = (t: string) => textWidth(t, px, face) <= width;
  const out: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const joined = line ? `${line} ${word}` : word;
    if (fits(joined)) {
      line = joined;
      continue;
    }
    if (line) out.push(line);
    line = '';
    let rest = word;
    while (!fits(rest)) {
      let n = 1;
      while (n < rest.length && fits(rest.slice(0, n + 1))) n++;
      out.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    line = rest;
  }
  if (line) out.push(line);
  return out;
}

export interface LabelBox {
  w: number;
  h: number;
}

/**
 * The first of `forms` (each a complete way to say the label, longest first) that fits `box` on
 * one line, else — when `lineH` is given — wrapped at spaces on as many lines as the box holds;
 * null when none fits (the caller draws a key instead, see Footnotes).
 */
export function fitLabel(
  forms: readonly string[],
  box: LabelBox,
  px: number,
  face: Face,
  lineH?: number,
): string[] | null {
  for (const f of forms) if (textWidth(f, px, face) <= box.w && px * 1.2 <= box.h) return [f];
  if (lineH === undefined) return null;
  for (const f of forms) {
    const words = f.split(/\s+/).filter(Boolean);
    // wrapping may not split a word: a split word would read as two
    if (words.some((w) => textWidth(w, px, face) > box.w)) continue;
    const lines = wrapToWidth(f, box.w, px, face);
    if ((lines.length - 1) * lineH + px * 1.2 <= box.h) return lines;
  }
  return null;
}

/** The keys of labels too long for their box, numbered in order of first use; one key per text. */
export class Footnotes {
  private readonly texts: string[] = [];

  /** The key for `full` ("[3]"), the same each time it is asked for the same text. */
  key(full: string): string {
    let i = this.texts.indexOf(full);
    if (i < 0) i = this.texts.push(full) - 1;
    return `[${i + 1}]`;
  }

  /** Every key with its text, in key order. */
  entries(): Array<{ key: string; text: string }> {
    return this.texts.map((text, i) => ({ key: `[${i + 1}]`, text }));
  }
}
