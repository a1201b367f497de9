// Is a file the user opened a klp-capture recording (capture/README.md) rather than a module? Told
// by content, as the parser reads it: "# …" comment lines, then the "@@ klp-capture N" line. Only
// the file's beginning is read, so the check costs nothing on a 300 MB module.

/** The bytes looked at: the comments klp-capture writes are one line; a user may add a few. */
const HEAD = 4096;
const HEADER = /^(?:#[^\n]*\n)*@@ klp-capture \d+\r?\n/;

export function isRecording(bytes: Uint8Array): boolean {
  // every byte of a recording's header is ASCII; an ELF (0x7f 'E' …) or a compressed module is not
  const head = bytes.subarray(0, HEAD);
  let text = '';
  for (const b of head) {
    if (b > 0x7e || (b < 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09)) break;
    text += String.fromCharCode(b);
  }
  return HEADER.test(text);
}
