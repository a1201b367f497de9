// The app offers capture/klp-capture for download from its help (public/capture/klp-capture, served
// as is): the copy must be the script, byte for byte, executable like it.
import { readFileSync, statSync } from 'node:fs';
import { expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

it('public/capture/klp-capture is capture/klp-capture (after editing the script: cp capture/klp-capture public/capture/)', () => {
  const script = readFileSync(new URL('capture/klp-capture', root));
  const served = readFileSync(new URL('public/capture/klp-capture', root));
  expect(served.equals(script)).toBe(true);
  expect(statSync(new URL('public/capture/klp-capture', root)).mode & 0o111).toBe(
    statSync(new URL('capture/klp-capture', root)).mode & 0o111,
  );
});
