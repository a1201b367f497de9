// Names from a module file, made safe to show: a terminal must not act on them and a reader must
// not be misled by them. Control characters — C0 (U+0000–U+001F), DEL (U+007F), C1 (U+0080–U+009F)
// — become `\xHH`; bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
// bidi marks (U+200E, U+200F, U+061C) become `\uXXXX`, so "\u202eatad.evil" no longer displays as
// "live.data". A backslash becomes `\\`, so an escape in the output always means the character.
// One pure function, for every place a name reaches a person: the CLI, the inspector, the exports.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\\]/g;
const HAS_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\\]/;

function escapeOne(c: string): string {
  if (c === '\\') return '\\\\';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `name` with every control and bidi character (and backslash) written as an escape; unchanged if it has none. */
export function escapeName(name: string): string {
  return HAS_UNSAFE.test(name) ? name.replace(UNSAFE, escapeOne) : name;
}

/** Whether escapeName() would change `name`. */
export function needsEscape(name: string): boolean {
  return HAS_UNSAFE.test(name);
}

/**
 * escapeName() of at most `max` characters of `name`, saying how long it is when cut: a 1 MB
 * symbol name would otherwise be laid out whole in every cell and title showing it.
 */
export function displayName(name: string, max = 240): string {
  if (name.length <= max) return escapeName(name);
  return `${escapeName(name.slice(0, max))}… (${name.length.toLocaleString('en-US')} characters)`;
}

const JSON_UNSAFE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/**
 * JSON text with DEL, C1 and bidi characters written as `\uXXXX` escapes (JSON.stringify already
 * escapes C0): the same data once parsed, but safe to print on a terminal.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
