import { expect, test } from 'vitest';
import { checkModuleFileSize, MAX_MODULE_FILE_SIZE } from './read_file.ts';

test('a file larger than INT_MAX is refused with EFBIG before it is read; INT_MAX itself is read', () => {
  expect(checkModuleFileSize(MAX_MODULE_FILE_SIZE)).toBeNull();
  expect(checkModuleFileSize(2 * 2 ** 30)).toMatchObject({ errno: 27, errnoName: 'EFBIG', where: 'kernel_read_file' });
});
