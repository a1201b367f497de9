// x86-64 with 4 KiB pages (arch/x86/include/asm/page_types.h): the one definition of the page
// size for the emulated kernel and the layers above it.
import { U64_MAX } from '../limits.ts';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = ~(BigInt(PAGE_SIZE) - 1n) & U64_MAX;

export const PAGE_ALIGN = (n: number) => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
const SHIFT = BigInt(PAGE_SHIFT);
export const pageIndex = (addr: bigint) => Number(addr >> SHIFT);
export const pageAddress = (index: number) => BigInt(index) << SHIFT;
