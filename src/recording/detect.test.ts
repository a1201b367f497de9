// A recording is told from a module by its first lines, whatever its file name.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { isRecording } from './detect.ts';

const file = (path: string) => new Uint8Array(readFileSync(new URL(`../../${path}`, import.meta.url)));
const text = (s: string) => new TextEncoder().encode(s);

it('the committed recordings are recordings; modules, compressed modules and text files are not', () => {
  for (const k of ['v6.1', 'v6.12'])
    for (const s of ['target-first', 'late-load', 'reload'])
      expect(isRecording(file(`truth/${k}/capture-${s}/recording.txt`))).toBe(true);
  expect(isRecording(file('public/samples/klp/klp_demo_patch.ko'))).toBe(false);
  expect(isRecording(file('capture/README.md'))).toBe(false);
  expect(isRecording(file('capture/klp-capture'))).toBe(false);
  expect(isRecording(text('@@ klp-capture 1\n@@ kernel 6.1.0\n'))).toBe(true);
  expect(isRecording(text('# a note\n# another\n@@ klp-capture 2\n'))).toBe(true);
  expect(isRecording(text('@@ klp-capture one\n'))).toBe(false);
  expect(isRecording(text(' @@ klp-capture 1\n'))).toBe(false);
  expect(isRecording(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]))).toBe(false);
  expect(isRecording(new Uint8Array())).toBe(false);
});
