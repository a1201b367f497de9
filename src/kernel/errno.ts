// errno values from include/uapi/asm-generic/errno-base.h / errno.h, as the loader returns them.
export const ENOENT = 2;
const EPERM = 1;
export const ENOEXEC = 8;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const EFBIG = 27;
export const EBADMSG = 74;
export const EKEYREJECTED = 129;

const names: Record<number, string> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ENOEXEC]: 'ENOEXEC',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EBUSY]: 'EBUSY',
  [EEXIST]: 'EEXIST',
  [EINVAL]: 'EINVAL',
  [EFBIG]: 'EFBIG',
  [EBADMSG]: 'EBADMSG',
  [EKEYREJECTED]: 'EKEYREJECTED',
};

export function errnoName(errno: number): string {
  return names[errno] ?? `E${errno}`;
}
