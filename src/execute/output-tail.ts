/**
 * The last lines of a step's output, bounded in lines and bytes, so a chatty step cannot
 * fill memory or the journal, yet a failure still shows what the step printed last.
 */

export class OutputTail {
  private lines: string[] = [];
  /** The unfinished last line of each stream: stdout and stderr must not splice into one line. */
  private partials = new Map<string, string>();
  private bytes = 0;
  /** Lines dropped off the front, so readers know the tail is not the whole output. */
  dropped = 0;

  constructor(
    private readonly maxLines = 200,
    private readonly maxBytes = 64 * 1024,
  ) {}

  /** Adds a chunk of one stream's output; returns the complete lines it finished. */
  push(chunk: string, stream = 'stdout'): string[] {
    const parts = ((this.partials.get(stream) ?? '') + chunk).split(/\r?\n/);
    let partial = parts.pop() ?? '';
    // Output without newlines (a progress bar, a binary blob) is cut into lines rather than held whole.
    while (partial.length > this.maxBytes) {
      parts.push(partial.slice(0, this.maxBytes));
      partial = partial.slice(this.maxBytes);
    }
    this.partials.set(stream, partial);
    for (const line of parts) this.add(line);
    return parts;
  }

  /** Ends the output: a last line without a newline counts as a line. */
  flush(): string[] {
    const lines = [...this.partials.values()].filter((partial) => partial !== '');
    this.partials.clear();
    for (const line of lines) this.add(line);
    return lines;
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
