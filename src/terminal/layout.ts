// Where text lands on a terminal screen of a given width, with the same
// rules as xterm.js: autowrap with a pending wrap after the last column, and
// wide characters that do not fit in a row's last column wrapping whole.

import { wcwidth } from './wcwidth';

/**
 * A cursor position relative to the start of the current line (row 0). A
 * column equal to the width means "pending wrap": the cursor sits after the
 * last cell of `row`, and the next printed character goes to `row + 1`.
 */
export interface Pos {
  readonly row: number;
  readonly col: number;
}

export const ORIGIN: Pos = { row: 0, col: 0 };

export function samePos(a: Pos, b: Pos): boolean {
  return a.row === b.row && a.col === b.col;
}

/** Where a character `width` cells wide starts when printed at `pos`. */
export function cellStart(pos: Pos, width: number, columns: number): Pos {
  return width > 0 && pos.col + width > columns ? { row: pos.row + 1, col: 0 } : pos;
}

/** The cursor after printing a character `width` cells wide at `pos`. */
export function advance(pos: Pos, width: number, columns: number): Pos {
  const start = cellStart(pos, width, columns);
  return { row: start.row, col: start.col + width };
}

/** The last printable cell of some text and where it was drawn. */
export interface LastCell {
  readonly pos: Pos;
  readonly text: string;
}

type EscState = 'none' | 'esc' | 'escInt' | 'csi' | 'string' | 'stringEsc';

/**
 * Follows the cursor through program output written on the current line:
 * printable characters, CR, BS, TAB and LF move it; escape sequences (SGR
 * colours, OSC titles, ...) take no room. Fed incrementally, so a sequence
 * split between two chunks is still skipped.
 */
export class TextTracker {
  pos: Pos = ORIGIN;
  last: LastCell | undefined;
  private esc: EscState = 'none';

  constructor(public columns: number) {}

  reset(): void {
    this.pos = ORIGIN;
    this.last = undefined;
    this.esc = 'none';
  }

  feed(text: string): void {
    const cols = this.columns;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      switch (this.esc) {
        case 'esc':
          if (ch === '[') this.esc = 'csi';
          else if (ch === ']' || ch === 'P' || ch === 'X' || ch === '^' || ch === '_') this.esc = 'string';
          else if (cp >= 0x20 && cp <= 0x2f) this.esc = 'escInt';
          else this.esc = 'none';
          continue;
        case 'escInt':
          if (cp >= 0x30 && cp <= 0x7e) this.esc = 'none';
          continue;
        case 'csi':
          if (cp >= 0x40 && cp <= 0x7e) this.esc = 'none';
          else if (cp === 0x1b) this.esc = 'esc';
          continue;
        case 'string':
          if (cp === 0x07) this.esc = 'none';
          else if (cp === 0x1b) this.esc = 'stringEsc';
          continue;
        case 'stringEsc':
          this.esc = ch === '\\' ? 'none' : 'string';
          continue;
        case 'none':
          break;
      }
      if (cp === 0x1b) {
        this.esc = 'esc';
        continue;
      }
      const { row, col } = this.pos;
      if (cp < 0x20 || cp === 0x7f) {
        if (ch === '\r') this.pos = { row, col: 0 };
        else if (ch === '\n') this.pos = { row: row + 1, col: Math.min(col, cols - 1) };
        else if (ch === '\b') this.pos = { row, col: Math.max(0, Math.min(col, cols - 1) - 1) };
        else if (ch === '\t' && col < cols) this.pos = { row, col: Math.min(cols - 1, (Math.floor(col / 8) + 1) * 8) };
        continue;
      }
      if (cp >= 0x80 && cp < 0xa0) continue; // C1 controls
      const width = wcwidth(cp);
      if (width === 0) {
        if (this.last) this.last = { pos: this.last.pos, text: this.last.text + ch };
        continue;
      }
      const start = cellStart(this.pos, width, cols);
      this.last = { pos: start, text: ch };
      this.pos = { row: start.row, col: start.col + width };
    }
  }
}
