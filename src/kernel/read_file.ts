// kernel_read_file(fd, 0, &buf, INT_MAX, NULL, READING_MODULE) in finit_module() (6.1): a file
// larger than INT_MAX bytes is refused before it is read. Kept apart so the UI thread can ask
// before it reads a file, without loading the decoder.
import { EFBIG } from './errno.ts';
import { type LoadError, loadError } from './load_error.ts';

export const MAX_MODULE_FILE_SIZE = 2 ** 31 - 1;

export function checkModuleFileSize(size: number): LoadError | null {
  if (size <= MAX_MODULE_FILE_SIZE) return null;
  return loadError(
    EFBIG,
    'kernel_read_file',
    `the file is ${size} bytes, more than kernel_read_file() reads (INT_MAX): finit_module() fails with -EFBIG before reading it`,
  );
}
