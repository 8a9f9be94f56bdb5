/**
 * The last lines of a step's output, bounded in lines and bytes, so a chatty step cannot
 * fill memory or the journal, yet a failure still shows what the step printed last.
 */

export class OutputTail {
  private lines: string[] = [];
  private partial = '';
  private bytes = 0;
  /** Lines dropped off the front, so readers know the tail is not the whole output. */
  dropped = 0;

  constructor(
    private readonly maxLines = 200,
    private readonly maxBytes = 64 * 1024,
  ) {}

  /** Adds a chunk of output; returns the complete lines it finished. */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
    return parts;
  }

  /** Ends the output: a last line without a newline counts as a line. */
  flush(): string[] {
    if (this.partial === '') return [];
    const line = this.partial;
    this.partial = '';
    this.add(line);
    return [line];
  }

  private add(line: string): void {
    this.lines.push(line);
    this.bytes += line.length + 1;
    while (this.lines.length > this.maxLines || (this.bytes > this.maxBytes && this.lines.length > 1)) {
      this.bytes -= this.lines.shift()!.length + 1;
      this.dropped += 1;
    }
  }

  /** The last `count` lines (all kept lines by default). */
  last(count = this.maxLines): string[] {
    return this.lines.slice(-count);
  }
}
