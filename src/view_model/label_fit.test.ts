// Label fitting: widths are upper bounds, wrapping keeps every character, the first complete form
// that fits wins, and a label that fits nowhere gets one stable key.
import { describe, expect, it } from 'vitest';
import { Footnotes, fitLabel, textWidth, wrapToWidth } from './label_fit.ts';

describe('textWidth', () => {
  it('monospace: 0.62 em a character; sans: narrow, wide and capital letters apart', () => {
    expect(textWidth('klp_demo', 10)).toBeCloseTo(49.6, 6);
    expect(textWidth('il', 10, 'sans')).toBeCloseTo(8, 6);
    expect(textWidth('mW', 10, 'sans')).toBeCloseTo(20, 6);
    expect(textWidth('Ab', 10, 'sans')).toBeCloseTo(14.2, 6);
  });
});

describe('wrapToWidth', () => {
  it('breaks at spaces within the width', () => {
    expect(wrapToWidth('allocated at step 75', 62, 10)).toEqual(['allocated', 'at step 75']);
  });
  it('splits a word longer than a line between characters, dropping nothing', () => {
    const lines = wrapToWidth('x klp_init_object_loaded', 50, 10);
    expect(lines).toEqual(['x', 'klp_init', '_object_', 'loaded']);
    expect(lines.slice(1).join('')).toBe('klp_init_object_loaded');
  });
  it('no text, no line', () => {
    expect(wrapToWidth('  ', 100, 10)).toEqual([]);
  });
});

describe('fitLabel', () => {
  const forms = ['core  0xffffffffc0201000  16 KiB', 'core 16 KiB', 'core'];
  it('the longest complete form that fits on one line', () => {
    expect(fitLabel(forms, { w: 400, h: 18 }, 12, 'mono')).toEqual([forms[0]]);
    expect(fitLabel(forms, { w: 90, h: 18 }, 12, 'mono')).toEqual(['core 16 KiB']);
    expect(fitLabel(forms, { w: 40, h: 18 }, 12, 'mono')).toEqual(['core']);
  });
  it('none fits: null, the caller draws a key', () => {
    expect(fitLabel(forms, { w: 20, h: 18 }, 12, 'mono')).toBeNull();
  });
  it('wraps when a line height is given and the box is tall enough, never splitting a word', () => {
    expect(fitLabel(['freed at step 39'], { w: 60, h: 40 }, 12, 'mono', 14)).toEqual(['freed at', 'step 39']);
    expect(fitLabel(['freed at step 39'], { w: 60, h: 20 }, 12, 'mono', 14)).toBeNull();
    expect(fitLabel(['trampoline'], { w: 60, h: 80 }, 12, 'mono', 14)).toBeNull();
  });
});

describe('Footnotes', () => {
  it('numbers keys in order of first use, one per distinct text', () => {
    const n = new Footnotes();
    expect(n.key('trampoline klp_demo_target:klp_demo_greeting')).toBe('[1]');
    expect(n.key('trampoline klp_demo_target:klp_demo_target_describe')).toBe('[2]');
    expect(n.key('trampoline klp_demo_target:klp_demo_greeting')).toBe('[1]');
    expect(n.entries()).toEqual([
      { key: '[1]', text: 'trampoline klp_demo_target:klp_demo_greeting' },
      { key: '[2]', text: 'trampoline klp_demo_target:klp_demo_target_describe' },
    ]);
  });
});
