import type { OutputStream } from '../cli-context';

const ESC = '\u001b[';

/** A block of lines at the bottom of a terminal, redrawn in place on every update. */
export class LiveBlock {
  private drawn = 0;

  constructor(private readonly out: OutputStream) {}

  render(lines: readonly string[]): void {
    // Lines longer than the terminal wrap and would break the count of lines to move up.
    const width = this.out.columns && this.out.columns > 1 ? this.out.columns - 1 : undefined;
    let text = this.drawn > 0 ? `${ESC}${this.drawn}F${ESC}0J` : '';
    for (const line of lines) text += `${width && line.length > width ? `${line.slice(0, width - 1)}…` : line}\n`;
    this.out.write(text);
    this.drawn = lines.length;
  }
}
