// Go's text/tabwriter (with liggitt/tabwriter's RememberWidths, which kubectl uses for
// `get -w`), so that tables and describe output align byte for byte with kubectl's.
// Cells are tab-terminated; the text after a line's last tab is not part of any column.
// A column block is a run of consecutive lines that all have a cell in that column; each
// block gets its own width (that is why `Volumes:` aligns with `QoS Class:` in describe).

export interface TabWriterOptions {
  /** Minimal cell width including padding (kubectl get: 6; describe: 0). */
  minwidth: number;
  /** Padding added to the widest cell of a column (kubectl get: 3; describe: 2). */
  padding: number;
  /** Keep column widths across flushes (kubectl get -w), never shrinking. */
  rememberWidths?: boolean;
}

const runeLength = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** One tabwriter; `format` is a pure function of its input except for remembered widths. */
export class TabWriter {
  private readonly maxwidths: number[] = [];

  constructor(private readonly opts: TabWriterOptions) {}

  /** Aligns `text` (lines separated by '\n', cells by '\t') as one flush of Go's Writer. */
  format(text: string): string {
    const lines = text.split('\n').map((l) => l.split('\t'));
    const widths: number[] = [];
    const out: string[] = [];
    this.formatBlock(lines, widths, 0, lines.length, out);
    return out.join('');
  }

  private formatBlock(lines: string[][], widths: number[], line0: number, line1: number, out: string[]): void {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i].length - 1) continue;
      // A cell exists in this column: print the lines before the block, then size the block.
      this.writeLines(lines, widths, start, i, out);
      start = i;
      let width = this.opts.minwidth;
      for (; i < line1 && column < lines[i].length - 1; i++) {
        width = Math.max(width, runeLength(lines[i][column]) + this.opts.padding);
      }
      if (this.opts.rememberWidths) {
        width = Math.max(width, this.maxwidths[column] ?? 0);
        this.maxwidths[column] = width;
      }
      widths.push(width);
      this.formatBlock(lines, widths, start, i, out);
      widths.pop();
      start = i;
      i--; // the outer loop's i++ must not skip the line that ended the block
    }
    this.writeLines(lines, widths, start, line1, out);
  }

  private writeLines(lines: string[][], widths: number[], line0: number, line1: number, out: string[]): void {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i];
      cells.forEach((c, j) => {
        out.push(c);
        if (j < widths.length && j < cells.length - 1) out.push(' '.repeat(Math.max(0, widths[j] - runeLength(c))));
      });
      if (i + 1 < lines.length) out.push('\n');
    }
  }
}

/** One-shot formatting with kubectl describe's settings (minwidth 0, padding 2). */
export const tabbedString = (text: string): string => new TabWriter({ minwidth: 0, padding: 2 }).format(text);
