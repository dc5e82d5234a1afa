// The line discipline between a terminal emulator and a container's
// TtyDevice: canonical mode with echo and line editing, like a Linux tty
// plus a small readline. Keys come in through `receive()` (xterm.js onData),
// program output through `output()`; everything for the screen leaves
// through the `write` callback, synchronously, so a keystroke's echo is on
// its way before `receive()` returns.
//
// The screen model: the current line is the prompt (whatever the program
// printed since its last newline) followed by the editable text. Positions
// are rows and columns relative to the start of that line, computed with the
// terminal's width (src/terminal/layout.ts), and the cursor is moved with
// relative CSI sequences, so long lines wrap and stay editable.

import type { TtyDevice } from '../api/types';
import { KeyParser, type KeyToken } from './KeyParser';
import { advance, cellStart, ORIGIN, samePos, TextTracker, type Pos } from './layout';
import { stringWidth, wcwidth } from './wcwidth';

/** The part of a TtyDevice the line discipline drives. */
export type TtyEndpoint = Pick<TtyDevice, 'input' | 'eof' | 'signal' | 'complete'>;

/** Where a terminal's history lives between sessions (one entry per submitted line, oldest first). */
export interface HistoryStore {
  load(): Promise<readonly string[]>;
  save(entries: readonly string[]): Promise<void>;
}

export interface LineDisciplineOptions {
  readonly device: TtyEndpoint;
  /** Writes to the terminal emulator. */
  readonly write: (data: string) => void;
  /** The terminal's width in columns (default 80). */
  readonly columns?: number;
  readonly history?: HistoryStore;
  /** Entries kept (default 500). */
  readonly historyLimit?: number;
  /** Called at the end of each `receive()` that echoed something, right after the echo was written. */
  readonly onEcho?: (input: string) => void;
}

export const SIGINT = 2;
export const SIGQUIT = 3;
export const DEFAULT_HISTORY_LIMIT = 500;

interface Cell {
  /** One character, with any combining marks that follow it. */
  readonly ch: string;
  /** 1 or 2 cells. */
  readonly w: number;
}

interface Layout {
  /** starts[i]: where cell i is drawn. */
  readonly starts: Pos[];
  /** ends[i]: the cursor after cell i - 1 (ends[0] is the prompt's end); may be a pending wrap. */
  readonly ends: Pos[];
}

const isWordChar = (ch: string) => /[\p{L}\p{N}_]/u.test(ch);
const isSpace = (ch: string) => ch === ' ' || ch === '\t';
/** Ends a word for completion: blanks and shell operators. */
const isBreak = (ch: string) => ' \t;|&<>()'.includes(ch);

export class LineDiscipline {
  private readonly device: TtyEndpoint;
  private readonly writeOut: (data: string) => void;
  private readonly store: HistoryStore | undefined;
  private readonly historyLimit: number;
  private readonly onEcho: ((input: string) => void) | undefined;
  private readonly parser = new KeyParser();
  private readonly decoder = new TextDecoder();
  private columns: number;

  private cells: Cell[] = [];
  private cursor = 0;
  /** What the program printed since its last newline. */
  private prompt = '';
  private readonly promptTracker: TextTracker;
  /** Where the terminal's cursor is (relative to the current line's start). */
  private cur: Pos = ORIGIN;
  private out = '';
  private echoed = false;

  private history: string[] = [];
  /** history.length while editing a new line; lower while browsing. */
  private historyIndex = 0;
  /** The line being edited when browsing started. */
  private draft: Cell[] | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** Resolves once the stored history has been loaded (or failed to). */
  readonly historyLoaded: Promise<void>;

  private lastWasCR = false;
  /** Bumped by every edit and cursor move; stale completions are dropped. */
  private editGen = 0;
  private tabGen = -1;
  private tabCount = 0;
  private killed = '';
  /** Ctrl-R: the query, the history entry shown, and the line to go back to. */
  private search: { query: string; index: number; failed: boolean; saved: Cell[]; savedCursor: number } | undefined;
  /** After ^C: the program's own newline would leave a blank line. */
  private swallowNewline = false;
  private disposed = false;

  constructor(options: LineDisciplineOptions) {
    this.device = options.device;
    this.writeOut = options.write;
    this.columns = Math.max(1, options.columns ?? 80);
    this.store = options.history;
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.onEcho = options.onEcho;
    this.promptTracker = new TextTracker(this.columns);
    this.historyLoaded = this.store
      ? this.store.load().then(
          (entries) => this.mergeLoadedHistory(entries),
          () => undefined,
        )
      : Promise.resolve();
  }

  // -- public API ----------------------------------------------------------

  /** Keys from the terminal emulator (xterm.js `onData`). */
  receive(data: string): void {
    if (this.disposed) return;
    this.echoed = false;
    for (const token of this.parser.feed(data)) this.key(token);
    this.flush();
    if (this.echoed) this.onEcho?.(data);
  }

  /** Output of the programs on the terminal. */
  output(data: Uint8Array | string): void {
    if (this.disposed) return;
    this.flush();
    let text: string;
    if (typeof data === 'string') text = data;
    else text = this.decoder.decode(data.buffer instanceof ArrayBuffer ? data : data.slice(), { stream: true });
    text = text.replace(/\r?\n/g, '\r\n');
    if (this.swallowNewline && text) {
      this.swallowNewline = false;
      if (text.startsWith('\r\n')) text = text.slice(2);
    }
    if (!text) return;
    const editing = this.cells.length > 0;
    const lay = this.layout();
    // Take the edited text off the screen, print the output where the
    // prompt ends, then put the edited text back after the new prompt.
    if (!samePos(this.cur, lay.ends[0])) this.gotoPos(lay.ends[0], 0, lay);
    if (editing) this.emit('\x1b[J');
    this.emit(text);
    const nl = text.lastIndexOf('\n');
    if (nl >= 0) {
      this.prompt = text.slice(nl + 1);
      this.promptTracker.reset();
      this.promptTracker.feed(this.prompt);
    } else {
      this.prompt += text;
      this.promptTracker.feed(text);
      if (this.prompt.length > 16384) this.prompt = this.prompt.slice(-8192);
    }
    this.cur = this.promptTracker.pos;
    if (editing) this.redrawFrom(0, false);
    this.flush();
  }

  /** The terminal's new width (after xterm.js reflowed its lines). */
  resize(columns: number): void {
    columns = Math.max(1, Math.floor(columns));
    if (columns === this.columns) return;
    this.flush();
    this.columns = columns;
    this.promptTracker.columns = columns;
    this.promptTracker.reset();
    this.promptTracker.feed(this.prompt);
    const lay = this.layout();
    this.cur = this.cursor < this.cells.length ? lay.starts[this.cursor] : lay.ends[this.cells.length];
  }

  /** The text being edited. */
  get line(): string {
    return this.cells.map((c) => c.ch).join('');
  }

  /** The cursor's index in `line`, in code points. */
  get cursorIndex(): number {
    return this.cursor;
  }

  /** The prompt: what the program printed since its last newline. */
  get currentPrompt(): string {
    return this.prompt;
  }

  /** True when the cursor is at the start of an empty line (no prompt, nothing typed). */
  get atLineStart(): boolean {
    return this.prompt === '' && this.cells.length === 0;
  }

  get historyEntries(): readonly string[] {
    return this.history;
  }

  /** Resolves when every history save started so far has finished. */
  historySaved(): Promise<void> {
    return this.saving;
  }

  dispose(): void {
    this.disposed = true;
    this.out = '';
  }

  // -- keys ----------------------------------------------------------------

  private key(token: KeyToken): void {
    if (this.search && this.searchKey(token)) return;
    const wasCR = this.lastWasCR;
    this.lastWasCR = false;
    switch (token.kind) {
      case 'char':
        this.insert(token.ch);
        return;
      case 'ctrl':
        this.control(token.code, wasCR);
        return;
      case 'csi':
        this.csi(token.params, token.final);
        return;
      case 'ss3':
        this.cursorKey(token.final, 1);
        return;
      case 'meta':
        this.meta(token.ch, wasCR);
        return;
      case 'esc':
        return;
    }
  }

  private control(code: number, wasCR: boolean): void {
    switch (code) {
      case 0x0d: // Enter (xterm sends CR; pasted lines too)
        this.lastWasCR = true;
        this.enter();
        return;
      case 0x0a: // LF: Enter, unless it ends a CR LF pair
        if (!wasCR) this.enter();
        return;
      case 0x7f:
      case 0x08:
        this.backspace();
        return;
      case 0x01:
        this.moveCursor(0);
        return;
      case 0x05:
        this.moveCursor(this.cells.length);
        return;
      case 0x02:
        this.moveCursor(this.cursor - 1);
        return;
      case 0x06:
        this.moveCursor(this.cursor + 1);
        return;
      case 0x15: // Ctrl-U
        this.kill(0, this.cursor);
        return;
      case 0x17: // Ctrl-W: back to the previous blank
        this.kill(this.wordStart(this.cursor, (ch) => !isSpace(ch)), this.cursor);
        return;
      case 0x0b: // Ctrl-K
        this.kill(this.cursor, this.cells.length);
        return;
      case 0x19: // Ctrl-Y
        if (this.killed) this.insertText(this.killed);
        return;
      case 0x03:
        this.interrupt('^C', SIGINT);
        return;
      case 0x1c:
        this.interrupt('^\\', SIGQUIT);
        return;
      case 0x04: // Ctrl-D
        if (this.cells.length === 0) {
          this.flush();
          this.device.eof();
        } else {
          this.deleteForward();
        }
        return;
      case 0x0c:
        this.clearScreen();
        return;
      case 0x09:
        this.tab();
        return;
      case 0x10: // Ctrl-P
        this.historyUp();
        return;
      case 0x0e: // Ctrl-N
        this.historyDown();
        return;
      case 0x12: // Ctrl-R
        this.startSearch();
        return;
      default:
        return; // other control keys do nothing
    }
  }

  private csi(params: string, final: string): void {
    const parts = params.split(';');
    const modifier = parts.length > 1 ? Number(parts[1]) || 1 : 1;
    if (final === '~') {
      switch (parts[0]) {
        case '1':
        case '7':
          this.moveCursor(0);
          return;
        case '4':
        case '8':
          this.moveCursor(this.cells.length);
          return;
        case '3':
          if (modifier === 5 || modifier === 3) this.kill(this.cursor, this.wordEnd(this.cursor));
          else this.deleteForward();
          return;
        default:
          return; // Insert, PageUp/Down, F-keys, bracketed paste marks
      }
    }
    if (params.startsWith('?') || params.startsWith('>')) return;
    this.cursorKey(final, modifier);
  }

  /** Arrows, Home and End: CSI or SS3 final byte; modifier 3 Alt, 5 Ctrl. */
  private cursorKey(final: string, modifier: number): void {
    const word = modifier === 3 || modifier === 5;
    switch (final) {
      case 'A':
        this.historyUp();
        return;
      case 'B':
        this.historyDown();
        return;
      case 'C':
        this.moveCursor(word ? this.wordEnd(this.cursor) : this.cursor + 1);
        return;
      case 'D':
        this.moveCursor(word ? this.wordStart(this.cursor, isWordChar) : this.cursor - 1);
        return;
      case 'H':
        this.moveCursor(0);
        return;
      case 'F':
        this.moveCursor(this.cells.length);
        return;
      default:
        return;
    }
  }

  private meta(ch: string, wasCR: boolean): void {
    switch (ch) {
      case 'b':
        this.moveCursor(this.wordStart(this.cursor, isWordChar));
        return;
      case 'f':
        this.moveCursor(this.wordEnd(this.cursor));
        return;
      case 'd':
        this.kill(this.cursor, this.wordEnd(this.cursor));
        return;
      case '\x7f':
      case '\b':
        this.kill(this.wordStart(this.cursor, isWordChar), this.cursor);
        return;
      default: {
        const code = ch.codePointAt(0)!;
        if (code < 0x20) this.control(code, wasCR); // Alt+control: the control key
        return;
      }
    }
  }

  // -- editing -------------------------------------------------------------

  private insert(ch: string): void {
    const cp = ch.codePointAt(0)!;
    const w = wcwidth(cp);
    if (w === 0) {
      // A combining mark joins the character before it.
      if (this.cursor === 0) return;
      const prev = this.cells[this.cursor - 1];
      this.cells[this.cursor - 1] = { ch: prev.ch + ch, w: prev.w };
      this.edited();
      this.redrawFrom(this.cursor - 1, false);
      return;
    }
    const atEnd = this.cursor === this.cells.length;
    this.cells.splice(this.cursor, 0, { ch, w });
    this.cursor++;
    this.edited();
    this.redrawFrom(this.cursor - 1, !atEnd);
  }

  private insertText(text: string): void {
    const from = this.cursor;
    const atEnd = this.cursor === this.cells.length;
    this.insertCells(text);
    this.edited();
    this.redrawFrom(Math.max(0, from - 1), !atEnd);
  }

  /** Inserts `text` at the cursor, without drawing. */
  private insertCells(text: string): void {
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x20 || cp === 0x7f) continue;
      const w = wcwidth(cp);
      if (w === 0) {
        if (this.cursor === 0) continue;
        const prev = this.cells[this.cursor - 1];
        this.cells[this.cursor - 1] = { ch: prev.ch + ch, w: prev.w };
        continue;
      }
      this.cells.splice(this.cursor, 0, { ch, w });
      this.cursor++;
    }
  }

  private backspace(): void {
    if (this.cursor === 0) return;
    this.cells.splice(this.cursor - 1, 1);
    this.cursor--;
    this.edited();
    this.redrawFrom(this.cursor, true);
  }

  private deleteForward(): void {
    if (this.cursor >= this.cells.length) return;
    this.cells.splice(this.cursor, 1);
    this.edited();
    this.redrawFrom(this.cursor, true);
  }

  /** Removes cells [from, to) into the kill buffer. */
  private kill(from: number, to: number): void {
    if (to <= from) return;
    this.killed = this.cells
      .slice(from, to)
      .map((c) => c.ch)
      .join('');
    this.cells.splice(from, to - from);
    this.cursor = from;
    this.edited();
    this.redrawFrom(from, true);
  }

  private moveCursor(index: number): void {
    index = Math.max(0, Math.min(this.cells.length, index));
    if (index === this.cursor) return;
    this.cursor = index;
    this.editGen++;
    this.goto(index, this.layout());
  }

  /** Start of the word before `index`: skip non-word characters, then word characters. */
  private wordStart(index: number, inWord: (ch: string) => boolean): number {
    let i = index;
    while (i > 0 && !inWord(this.cells[i - 1].ch)) i--;
    while (i > 0 && inWord(this.cells[i - 1].ch)) i--;
    return i;
  }

  private wordEnd(index: number): number {
    const n = this.cells.length;
    let i = index;
    while (i < n && !isWordChar(this.cells[i].ch)) i++;
    while (i < n && isWordChar(this.cells[i].ch)) i++;
    return i;
  }

  private edited(): void {
    this.editGen++;
  }

  private enter(): void {
    this.goto(this.cells.length, this.layout());
    this.emit('\r\n');
    const line = this.line;
    this.newLine();
    this.addHistory(line);
    this.flush();
    this.device.input(`${line}\n`);
  }

  /** Ctrl-C / Ctrl-\: show it, drop the line, signal the foreground programs. */
  private interrupt(echo: string, signal: number): void {
    this.goto(this.cells.length, this.layout());
    this.emit(`${echo}\r\n`);
    this.newLine();
    this.historyIndex = this.history.length;
    this.swallowNewline = true;
    this.flush();
    this.device.signal(signal);
  }

  /** The screen is on a fresh line with nothing on it. */
  private newLine(): void {
    this.cells = [];
    this.cursor = 0;
    this.prompt = '';
    this.promptTracker.reset();
    this.cur = ORIGIN;
    this.draft = undefined;
    this.editGen++;
  }

  private clearScreen(): void {
    this.emit('\x1b[H\x1b[2J');
    this.cur = ORIGIN;
    this.redrawLine();
  }

  /** Prints the prompt and the edited text again, from the start of a fresh line. */
  private redrawLine(): void {
    this.emit(this.prompt);
    this.cur = this.promptTracker.pos;
    this.redrawFrom(0, false);
  }

  // -- history -------------------------------------------------------------

  private historyUp(): void {
    if (this.historyIndex === 0) return;
    if (this.historyIndex === this.history.length) this.draft = this.cells.slice();
    this.historyIndex--;
    this.replaceLine(toCells(this.history[this.historyIndex]));
  }

  private historyDown(): void {
    if (this.historyIndex >= this.history.length) return;
    this.historyIndex++;
    const cells = this.historyIndex === this.history.length ? (this.draft ?? []) : toCells(this.history[this.historyIndex]);
    if (this.historyIndex === this.history.length) this.draft = undefined;
    this.replaceLine(cells);
  }

  private replaceLine(cells: Cell[], cursor = cells.length): void {
    const lay = this.layout();
    this.gotoWrite(0, lay);
    this.cells = cells;
    this.cursor = cursor;
    this.edited();
    this.redrawFrom(0, true);
  }

  // -- reverse incremental search (Ctrl-R) -----------------------------------

  private startSearch(): void {
    this.search = { query: '', index: this.history.length, failed: false, saved: this.cells.slice(), savedCursor: this.cursor };
    this.showSearch();
  }

  /** Handles a key while searching; false: the search ended and the key is to be handled as usual. */
  private searchKey(token: KeyToken): boolean {
    const search = this.search!;
    if (token.kind === 'char') {
      search.query += token.ch;
      this.searchFrom(search.index);
      return true;
    }
    if (token.kind === 'ctrl') {
      switch (token.code) {
        case 0x12: // Ctrl-R again: an older match
          this.searchFrom(search.index - 1);
          return true;
        case 0x7f:
        case 0x08:
          search.query = [...search.query].slice(0, -1).join('');
          this.searchFrom(this.history.length - 1);
          return true;
        case 0x07: // Ctrl-G: give up, back to the line as it was
          this.search = undefined;
          this.replaceLine(search.saved, search.savedCursor);
          return true;
        case 0x03:
          this.search = undefined;
          this.replaceLine(search.saved, search.savedCursor);
          return false;
        default:
          break;
      }
    }
    if (token.kind === 'esc') {
      this.acceptSearch();
      return true;
    }
    // Any other key takes the match and then does what it does.
    this.acceptSearch();
    return false;
  }

  /** The newest entry at or before `from` that contains the query. */
  private searchFrom(from: number): void {
    const search = this.search!;
    search.failed = false;
    if (search.query === '') {
      search.index = this.history.length;
    } else {
      let i = Math.min(from, this.history.length - 1);
      while (i >= 0 && !this.history[i].includes(search.query)) i--;
      if (i >= 0) search.index = i;
      else search.failed = true;
    }
    this.showSearch();
  }

  private showSearch(): void {
    const search = this.search!;
    const match = search.index < this.history.length ? this.history[search.index] : '';
    const label = `(${search.failed ? 'failed ' : ''}reverse-i-search)\`${search.query}': `;
    const at = search.query && match ? match.indexOf(search.query) : -1;
    const cells = toCells(label + match);
    const cursor = toCells(label).length + (at >= 0 ? toCells(match.slice(0, at)).length : 0);
    this.replaceLine(cells, cursor);
  }

  private acceptSearch(): void {
    const search = this.search!;
    this.search = undefined;
    if (search.index < this.history.length && search.query !== '') {
      const match = this.history[search.index];
      const at = match.indexOf(search.query);
      if (this.historyIndex === this.history.length) this.draft = search.saved;
      this.historyIndex = search.index;
      this.replaceLine(toCells(match), toCells(match.slice(0, Math.max(0, at))).length);
    } else {
      this.replaceLine(search.saved, search.savedCursor);
    }
  }

  private addHistory(line: string): void {
    this.historyIndex = this.history.length;
    if (line.trim() === '' || this.history[this.history.length - 1] === line) return;
    this.history.push(line);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    this.historyIndex = this.history.length;
    this.saveHistory();
  }

  private mergeLoadedHistory(loaded: readonly string[]): void {
    const browsing = this.historyIndex < this.history.length;
    const merged: string[] = [];
    for (const entry of [...loaded, ...this.history]) {
      if (entry.trim() === '' || merged[merged.length - 1] === entry) continue;
      merged.push(entry);
    }
    if (merged.length > this.historyLimit) merged.splice(0, merged.length - this.historyLimit);
    const added = merged.length - this.history.length;
    this.history = merged;
    this.historyIndex = browsing ? Math.max(0, this.historyIndex + added) : merged.length;
  }

  private saveHistory(): void {
    const store = this.store;
    if (!store) return;
    this.saving = this.saving
      .then(() => this.historyLoaded)
      .then(() => store.save(this.history.slice()))
      .catch(() => undefined);
  }

  // -- completion ----------------------------------------------------------

  private tab(): void {
    if (this.tabGen === this.editGen) this.tabCount++;
    else {
      this.tabGen = this.editGen;
      this.tabCount = 1;
    }
    const gen = this.editGen;
    const count = this.tabCount;
    const before = this.cells
      .slice(0, this.cursor)
      .map((c) => c.ch)
      .join('');
    let request: Promise<string[]>;
    try {
      request = this.device.complete(this.line, before.length);
    } catch {
      return;
    }
    request.then(
      (candidates) => {
        if (this.disposed || gen !== this.editGen) return;
        this.completed(candidates, before, count);
        this.flush();
      },
      () => undefined,
    );
  }

  private completed(candidates: readonly string[], before: string, tabCount: number): void {
    // Candidates are whole words as they would be typed (the shell escapes
    // them): the word before the cursor is extended, or replaced when it is
    // typed differently (in quotes, say).
    const start = wordStart(before);
    const typed = before.slice(start);
    const slash = typed.lastIndexOf('/');
    const dir = typed.slice(0, slash + 1);
    const full = new Set<string>();
    for (const candidate of candidates) {
      if (!candidate) continue;
      // A bare name for a path: the directory part is the typed one.
      full.add(slash >= 0 && !candidate.includes('/') && candidate !== typed ? dir + candidate : candidate);
    }
    const matches = [...full].sort();
    if (matches.length === 0) return;
    if (matches.length === 1) {
      const only = matches[0];
      const suffix = only.endsWith('/') ? '' : ' ';
      if (only.startsWith(typed)) this.insertText(only.slice(typed.length) + suffix);
      else this.replaceBeforeCursor(typed.length, only + suffix);
      return;
    }
    const prefix = commonPrefix(matches);
    if (prefix.length > typed.length && prefix.startsWith(typed)) {
      this.insertText(prefix.slice(typed.length));
      // The next Tab continues this completion: it lists.
      this.tabGen = this.editGen;
      this.tabCount = tabCount;
      return;
    }
    if (tabCount >= 2) this.listCandidates(matches);
  }

  /** Replaces the last `length` UTF-16 units before the cursor with `text`. */
  private replaceBeforeCursor(length: number, text: string): void {
    let from = this.cursor;
    for (let n = 0; from > 0 && n < length; ) n += this.cells[--from].ch.length;
    this.cells.splice(from, this.cursor - from);
    this.cursor = from;
    this.insertCells(text);
    this.edited();
    this.redrawFrom(from, true);
  }

  /** Prints candidates in columns below the line, then the prompt and the line again. */
  private listCandidates(matches: readonly string[]): void {
    const names = matches.map(displayName);
    const width = Math.max(...names.map(stringWidth)) + 2;
    const perRow = Math.max(1, Math.floor((this.columns + 2) / width));
    const rows = Math.ceil(names.length / perRow);
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) {
      let line = '';
      for (let c = 0; c < perRow; c++) {
        const name = names[c * rows + r];
        if (name === undefined) continue;
        line += name + ' '.repeat(Math.max(0, width - stringWidth(name)));
      }
      lines.push(line.trimEnd());
    }
    this.goto(this.cells.length, this.layout());
    this.emit(`\r\n${lines.join('\r\n')}\r\n`);
    this.cur = ORIGIN;
    this.redrawLine();
  }

  // -- drawing -------------------------------------------------------------

  private layout(): Layout {
    const cols = this.columns;
    const starts: Pos[] = [];
    const ends: Pos[] = [this.promptTracker.pos];
    let pos = this.promptTracker.pos;
    for (const cell of this.cells) {
      starts.push(cellStart(pos, cell.w, cols));
      pos = advance(pos, cell.w, cols);
      ends.push(pos);
    }
    return { starts, ends };
  }

  /**
   * Draws cells from `from` to the end (their screen is stale), clears what
   * is left of the old text when `clear`, and puts the cursor back.
   */
  private redrawFrom(from: number, clear: boolean): void {
    const lay = this.layout();
    const n = this.cells.length;
    this.gotoWrite(from, lay);
    if (from < n) {
      this.emit(
        this.cells
          .slice(from)
          .map((c) => c.ch)
          .join(''),
      );
      this.cur = lay.ends[n];
    }
    if (clear) this.emit('\x1b[J');
    this.goto(this.cursor, lay);
  }

  /** Puts the cursor where cell `index` is to be printed: after cell index - 1. */
  private gotoWrite(index: number, lay: Layout): void {
    const target = lay.ends[index];
    if (samePos(this.cur, target)) return;
    // From a pending wrap, printing lands where the cell starts anyway (no
    // gap cells to blank, unlike a wide character wrapping early).
    if (index < this.cells.length && target.col >= this.columns && samePos(this.cur, lay.starts[index])) return;
    this.gotoPos(target, index, lay);
  }

  /** Puts the cursor on cell `index`, or after the last cell. */
  private goto(index: number, lay: Layout): void {
    const target = index < this.cells.length ? lay.starts[index] : lay.ends[index];
    if (samePos(this.cur, target)) return;
    this.gotoPos(target, index, lay);
  }

  /** `target` is lay.ends[index] or lay.starts[index]. */
  private gotoPos(target: Pos, index: number, lay: Layout): void {
    if (target.col < this.columns) {
      this.moveTo(target);
      return;
    }
    // A pending wrap cannot be reached by moving: print the cell before it again.
    if (index > 0) {
      this.moveTo(lay.starts[index - 1]);
      this.emit(this.cells[index - 1].ch);
    } else if (this.promptTracker.last) {
      this.moveTo(this.promptTracker.last.pos);
      this.emit(this.promptTracker.last.text);
    } else {
      this.moveTo({ row: target.row, col: this.columns - 1 });
      return;
    }
    this.cur = target;
  }

  /** Relative cursor movement to a position that is not a pending wrap. */
  private moveTo(target: Pos): void {
    let { row, col } = this.cur;
    let seq = '';
    if (col >= this.columns) {
      seq += '\r';
      col = 0;
    }
    if (target.row < row) seq += `\x1b[${row - target.row}A`;
    else if (target.row > row) seq += `\x1b[${target.row - row}B`;
    row = target.row;
    if (target.col !== col) {
      if (target.col === 0) seq += '\r';
      else if (target.col > col) seq += `\x1b[${target.col - col}C`;
      else seq += `\x1b[${col - target.col}D`;
    }
    this.emit(seq);
    this.cur = target;
  }

  private emit(data: string): void {
    if (data) this.out += data;
  }

  private flush(): void {
    if (!this.out) return;
    const data = this.out;
    this.out = '';
    this.echoed = true;
    this.writeOut(data);
  }
}

function toCells(text: string): Cell[] {
  const cells: Cell[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) continue;
    const w = wcwidth(cp);
    if (w === 0) {
      if (cells.length > 0) {
        const prev = cells[cells.length - 1];
        cells[cells.length - 1] = { ch: prev.ch + ch, w: prev.w };
      }
      continue;
    }
    cells.push({ ch, w });
  }
  return cells;
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0];
  for (const word of words) {
    let i = 0;
    while (i < prefix.length && i < word.length && prefix[i] === word[i]) i++;
    prefix = prefix.slice(0, i);
  }
  // Never end inside a surrogate pair.
  const last = prefix.charCodeAt(prefix.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? prefix.slice(0, -1) : prefix;
}

/** Where the word ending at the end of `before` starts: after the last unquoted, unescaped break. */
function wordStart(before: string): number {
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const ch = before[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"') i++;
    } else if (ch === '\\') i++;
    else if (ch === "'" || ch === '"') quote = ch;
    else if (isBreak(ch)) start = i + 1;
  }
  return start;
}

/** A candidate as listed: its last path component ("src/ui/" lists as "ui/"). */
function displayName(word: string): string {
  const candidate = word.replace(/\\(.)/g, '$1');
  const trimmed = candidate.endsWith('/') ? candidate.slice(0, -1) : candidate;
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0 || trimmed.length === 0) return candidate;
  return trimmed.slice(slash + 1) + (candidate.endsWith('/') ? '/' : '');
}
