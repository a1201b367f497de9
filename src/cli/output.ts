// What the command line prints. Names come from the files (module, symbol and section names,
// and the kernel messages quoting them): every line goes out whole through escapeName(), its
// own newlines included, so a name holding a newline or terminal escapes cannot forge or erase
// lines; JSON goes out through
// terminalSafeJson() (the same data once parsed). Text a command prints whole or in pieces
// (a trace, a step at a time, ~64 KiB per write(2)).
import { escapeName, needsEscape, terminalSafeJson } from '../format/escape.ts';

/** One line of text, its control and bidi characters (a newline too) escaped. */
const terminalText = (line: string) => (needsEscape(line) ? escapeName(line) : line);

/** A line of text to stdout. */
export const say = (line: string) => process.stdout.write(`${terminalText(line)}\n`);

/** Lines of text to stdout. */
export const sayLines = (lines: string[]) => process.stdout.write(lines.map((l) => `${terminalText(l)}\n`).join(''));

/** A line of text to stderr. */
export const warn = (line: string) => process.stderr.write(`${terminalText(line)}\n`);

/** JSON text to stdout. */
export const sayJson = (json: string) => process.stdout.write(`${terminalSafeJson(json)}\n`);

export class Output {
  private pending = '';

  /** A line of text. */
  line(text: string): void {
    this.add(`${terminalText(text)}\n`);
  }

  /** A piece of JSON text. */
  json(chunk: string): void {
    this.add(terminalSafeJson(chunk));
  }

  private add(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.pending) process.stdout.write(this.pending);
    this.pending = '';
  }
}
