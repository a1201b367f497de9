import { expect, test } from 'vitest';
import { esc } from '../export/step_svg.ts';
import { HOSTILE_NAMES } from '../fuzz/crafted.ts';
import { displayName, escapeName, terminalSafeJson } from './escape.ts';

test('control characters (C0, DEL, C1) and bidi controls are escaped; the rest is untouched', () => {
  expect(HOSTILE_NAMES.map(escapeName)).toEqual([
    'hostile\\x0a\\x1b[1A\\x1b[2Kinsmod: hostile.ko loaded OK',
    '\\u202eatad.evil',
    'bell\\x07del\\x7fc1\\x9bend',
    'iso\\u2066late\\u2069',
  ]);
  expect(escapeName('a\\b')).toBe('a\\\\b');
  expect(escapeName('\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068\u0000\u001f\u0080\u009f')).toBe(
    '\\u200f\\u061c\\u202a\\u202b\\u202c\\u202d\\u2067\\u2068\\x00\\x1f\\x80\\x9f',
  );
  const plain = '__UNIQUE_ID_srcversion123 .klp.sym.vmlinux.printk,0 é€😀';
  expect(escapeName(plain)).toBe(plain);
});

test('no escaped name holds a character a terminal or the bidi algorithm acts on', () => {
  for (let c = 0; c < 0x10000; c++) {
    const out = escapeName(`a${String.fromCharCode(c)}b`);
    expect(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(out)).toBe(false);
  }
});

test('displayName() cuts a long name and says how long it was', () => {
  expect(displayName('A'.repeat(1_000_000), 8)).toBe('AAAAAAAA… (1,000,000 characters)');
  expect(displayName('\u202eab', 8)).toBe('\\u202eab');
});

test('terminalSafeJson() keeps the data and leaves no raw control or bidi character', () => {
  const value = { names: HOSTILE_NAMES };
  const json = terminalSafeJson(JSON.stringify(value));
  expect(JSON.parse(json)).toEqual(value);
  expect(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(json)).toBe(false);
});

test('SVG text of a hostile name is well-formed XML 1.0 text', () => {
  for (const name of HOSTILE_NAMES) {
    const out = esc(name);
    expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(out)).toBe(false);
  }
});
