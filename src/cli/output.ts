// Standard output in pieces: a command that prints a whole trace hands it over a step at a time
// and never holds the text whole. Pieces are gathered to about 64 KiB per write(2).
export class Output {
  private pending = '';

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 16) this.flush();
  }

  line(text: string): void {
    this.write(`${text}\n`);
  }

  flush(): void {
    if (this.pending) process.stdout.write(this.pending);
    this.pending = '';
  }
}
