// How the kernel's printk formats what the emulator prints (lib/vsprintf.c, 6.1): a kernel
// address as `%px` / `%016lx` shows it, and a byte buffer as `%*ph` shows it.

/** `%016lx` (and `%px`): 16 hex digits, zero-padded, no 0x. */
export const hex = (addr: bigint) => addr.toString(16).padStart(16, '0');

/** `%*ph`: each byte as two hex digits, separated by spaces. */
export const hexBytes = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
