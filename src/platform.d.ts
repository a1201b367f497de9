// The globals the core may use: what a browser page, a Web Worker and Node (≥ 20) all have, and
// only the parts of them src/ calls. tsconfig.src.json type-checks src/ against ES2022 plus this
// file, so a `document`, a canvas, `self.postMessage` or Node's `process`/`Buffer` in the core
// fails `npm run typecheck` (tsconfig.json, with the DOM and Node types, leaves this file out).
// Node-side files (the CLI, test helpers, tests) are checked by tsconfig.json only.

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}

/** Permalink query strings (src/permalink/permalink.ts). */
declare class URLSearchParams {
  constructor(init?: string | string[][]);
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string): boolean;
  toString(): string;
}

/** Timing of the relocation pass (kernel/module/main.c apply_relocations, as reported by the CLI). */
declare const performance: { now(): number };

/** sha256 of opened files; `crypto.subtle` is missing outside secure contexts (src/permalink/sha256.ts). */
/** Module signatures are checked against the built-in key with WebCrypto (src/kernel/module/system_keyring.ts). */
type BufferSource = ArrayBuffer | ArrayBufferView<ArrayBuffer>;
interface CryptoKey {
  readonly type: string;
}
interface SubtleCrypto {
  digest(algorithm: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  importKey(
    format: 'spki',
    keyData: BufferSource,
    algorithm: { name: 'RSASSA-PKCS1-v1_5'; hash: 'SHA-256' },
    extractable: boolean,
    keyUsages: Array<'verify'>,
  ): Promise<CryptoKey>;
  verify(
    algorithm: { name: 'RSASSA-PKCS1-v1_5' },
    key: CryptoKey,
    signature: BufferSource,
    data: BufferSource,
  ): Promise<boolean>;
}
interface Crypto {
  readonly subtle?: SubtleCrypto;
}
/** The built-in certificate ships as base64 (src/kernel/module/system_keyring.ts). */
declare function atob(data: string): string;
declare var crypto: Crypto | undefined;

/** xz-decompress decodes a stream (src/decompress/index.ts). */
interface ReadableStreamDefaultController<R> {
  enqueue(chunk: R): void;
  close(): void;
}
interface ReadableStreamDefaultReader<R> {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: R }>;
  cancel(reason?: unknown): Promise<void>;
}
declare class ReadableStream<R> {
  constructor(source: {
    start?(controller: ReadableStreamDefaultController<R>): void;
    pull?(controller: ReadableStreamDefaultController<R>): void | Promise<void>;
  });
  getReader(): ReadableStreamDefaultReader<R>;
}
