// A small terminal screen for unit tests, with xterm.js's rules for what the
// line discipline emits: autowrap with a pending wrap (the cursor's column
// may equal the width), wide characters wrapping whole, CR/LF/BS/TAB, and
// CSI A B C D G H J K (relative moves first clamp a pending column, as
// xterm.js does; ED/EL do not). SGR and other sequences are ignored.

import { wcwidth } from '../wcwidth';

export class FakeScreen {
  /** Rows scrolled off the top. */
  readonly scrollback: string[][] = [];
  readonly grid: string[][];
  x = 0;
  y = 0;
  private pending = '';

  constructor(
    public columns: number,
    readonly rows = 200,
  ) {
    this.grid = Array.from({ length: rows }, () => this.blank());
  }

  private blank(): string[] {
    return Array.from({ length: this.columns }, () => ' ');
  }

  write(data: string): void {
    const s = this.pending + data;
    this.pending = '';
    let i = 0;
    while (i < s.length) {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      if (ch === '\x1b') {
        const m = /^\x1b\[([0-9;?]*)([@-~])/.exec(s.slice(i));
        if (m) {
          this.csi(m[1], m[2]);
          i += m[0].length;
          continue;
        }
        const osc = /^\x1b\][^\x07\x1b]*(\x07|\x1b\\)/.exec(s.slice(i));
        if (osc) {
          i += osc[0].length;
          continue;
        }
        if (s.length - i < 16 && /^\x1b(\[[0-9;?]*)?$/.test(s.slice(i))) {
          this.pending = s.slice(i);
          return;
        }
        i += 2; // ESC x
        continue;
      }
      i += ch.length;
      this.char(ch);
    }
  }

  private char(ch: string): void {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) {
      if (ch === '\r') this.x = 0;
      else if (ch === '\n') this.lineFeed();
      else if (ch === '\b') {
        this.x = Math.min(this.x, this.columns - 1);
        if (this.x > 0) this.x--;
      } else if (ch === '\t' && this.x < this.columns) this.x = Math.min(this.columns - 1, (Math.floor(this.x / 8) + 1) * 8);
      return;
    }
    const w = wcwidth(cp);
    if (w === 0) {
      const x = Math.min(this.x, this.columns) - 1;
      if (x >= 0) this.grid[this.y][x] += ch;
      return;
    }
    if (this.x + w > this.columns) {
      // xterm.js blanks what is left of the row before wrapping.
      this.grid[this.y].fill(' ', Math.min(this.x, this.columns));
      this.x = 0;
      this.lineFeed();
    }
    const row = this.grid[this.y];
    // Overwriting half of a wide character blanks the other half.
    if (row[this.x] === '' && this.x > 0) row[this.x - 1] = ' ';
    if (row[this.x + w] === '') row[this.x + w] = ' ';
    row[this.x] = ch;
    if (w === 2) row[this.x + 1] = '';
    this.x += w;
  }

  private lineFeed(): void {
    this.y++;
    if (this.y >= this.rows) {
      this.scrollback.push(this.grid.shift()!);
      this.grid.push(this.blank());
      this.y = this.rows - 1;
    }
    if (this.x >= this.columns) this.x--;
  }

  private csi(params: string, final: string): void {
    const nums = params.split(';').map((p) => Number(p) || 0);
    const n = Math.max(1, nums[0] ?? 1);
    const restrict = () => (this.x = Math.min(this.x, this.columns - 1));
    switch (final) {
      case 'A':
        restrict();
        this.y = Math.max(0, this.y - n);
        return;
      case 'B':
        restrict();
        this.y = Math.min(this.rows - 1, this.y + n);
        return;
      case 'C':
        restrict();
        this.x = Math.min(this.columns - 1, this.x + n);
        return;
      case 'D':
        restrict();
        this.x = Math.max(0, this.x - n);
        return;
      case 'G':
        this.x = Math.min(this.columns - 1, n - 1);
        return;
      case 'H':
        this.y = Math.min(this.rows - 1, Math.max(1, nums[0] ?? 1) - 1);
        this.x = Math.min(this.columns - 1, Math.max(1, nums[1] ?? 1) - 1);
        return;
      case 'J':
        if ((nums[0] ?? 0) === 2) {
          for (const row of this.grid) row.fill(' ');
          return;
        }
        if ((nums[0] ?? 0) === 0) {
          this.grid[this.y].fill(' ', this.x);
          for (let y = this.y + 1; y < this.rows; y++) this.grid[y].fill(' ');
        }
        return;
      case 'K':
        if ((nums[0] ?? 0) === 0) this.grid[this.y].fill(' ', this.x);
        return;
      default:
        return;
    }
  }

  /** Screen rows (scrollback first) as text, right-trimmed, without trailing empty rows. */
  lines(): string[] {
    const all = [...this.scrollback, ...this.grid].map((row) => row.join('').trimEnd());
    while (all.length > 0 && all[all.length - 1] === '') all.pop();
    return all;
  }

  /** Visible row `y` as text, right-trimmed. */
  row(y: number): string {
    return this.grid[y].join('').trimEnd();
  }

  get cursor(): { x: number; y: number } {
    return { x: this.x, y: this.y };
  }
}
