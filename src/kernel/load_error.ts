import { errnoName } from './errno.ts';

/**
 * A refusal, as the kernel reports it: the printk line and the negative errno that
 * init_module()/finit_module() returns. Plain data so that it crosses the worker boundary.
 */
export interface LoadError {
  kind: 'load-error';
  /** Positive errno value (the syscall returns its negation). */
  errno: number;
  errnoName: string;
  /** The kernel's message, formatted as printk would print it (no trailing newline). */
  message: string;
  /** Kernel function that refuses, e.g. "elf_validity_check". */
  where: string;
}

export function loadError(errno: number, where: string, message: string): LoadError {
  return { kind: 'load-error', errno, errnoName: errnoName(errno), message, where };
}
