// Section bytes from the worker, for the hex view and the write detail's context: fetched in
// aligned chunks on demand (a section can be megabytes; only what is on screen is asked for).
import { useEffect, useState } from 'react';
import { R_X86_64_64, R_X86_64_NONE, R_X86_64_PC64 } from '../../src/elf/constants.ts';
import { worker } from '../store.ts';
import type { SectionBytesReply } from '../worker/protocol.ts';

/** Bytes a relocation of this x86-64 type writes (as apply_relocate_add() does: 64/PC64 8, NONE 0, else 4). */
export function relocationWidth(type: number): number {
  return type === R_X86_64_64 || type === R_X86_64_PC64 ? 8 : type === R_X86_64_NONE ? 0 : 4;
}

const CHUNK = 4096;

/** One handle+section's chunks, shared by every view of it while it is open. */
export class ChunkCache {
  private chunks = new Map<number, Uint8Array>();
  private pending = new Set<number>();
  info: Omit<SectionBytesReply, 'bytes' | 'offset'> | null = null;
  error: string | null = null;

  constructor(
    readonly handle: number,
    readonly section: number,
    private readonly changed: () => void,
  ) {}

  /** The byte at `offset`, or undefined while its chunk is on its way (the fetch is started). */
  byte(offset: number): number | undefined {
    const c = Math.floor(offset / CHUNK);
    const chunk = this.chunks.get(c);
    if (chunk) return chunk[offset - c * CHUNK];
    this.fetch(c);
    return undefined;
  }

  has(offset: number): boolean {
    return this.chunks.has(Math.floor(offset / CHUNK));
  }

  /** After a failed read (say, the worker was replaced meanwhile): ask again for what is on screen. */
  retry(): void {
    this.error = null;
    this.changed();
  }

  fetch(c: number): void {
    if (this.pending.has(c) || this.chunks.has(c) || this.error) return;
    this.pending.add(c);
    worker()
      .sectionBytes(this.handle, this.section, c * CHUNK, CHUNK)
      .then((r) => {
        this.info = { name: r.name, size: r.size, nobits: r.nobits };
        this.chunks.set(c, r.bytes);
      })
      .catch((e: unknown) => {
        this.error = e instanceof Error ? e.message : String(e);
      })
      .finally(() => {
        this.pending.delete(c);
        this.changed();
      });
  }
}

/** A window of a section's bytes (as in the file), or null while it loads / when unknown. */
export function useSectionWindow(
  handle: number | undefined,
  section: number | undefined,
  offset: number,
  length: number,
): SectionBytesReply | { error: string } | null {
  const [reply, setReply] = useState<SectionBytesReply | { error: string } | null>(null);
  useEffect(() => {
    setReply(null);
    if (handle === undefined || section === undefined) return;
    let live = true;
    worker()
      .sectionBytes(handle, section, offset, length)
      .then((r) => live && setReply(r))
      .catch((e: unknown) => live && setReply({ error: e instanceof Error ? e.message : String(e) }));
    return () => {
      live = false;
    };
  }, [handle, section, offset, length]);
  return reply;
}

/** Printable ASCII or a dot, as hexdump -C shows it. */
export const ascii = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
