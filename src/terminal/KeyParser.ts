// Splits what a terminal emulator sends (xterm.js `onData`) into keys:
// printable characters, control bytes, CSI / SS3 escape sequences and
// Meta (Alt) combinations. A sequence cut between two chunks is kept until
// the next chunk completes it, so `\x1b` + `[A` is still Up.

export type KeyToken =
  /** One printable character (a whole code point). */
  | { readonly kind: 'char'; readonly ch: string }
  /** A C0 control byte (0x00-0x1f) or DEL (0x7f). */
  | { readonly kind: 'ctrl'; readonly code: number }
  /** ESC [ params final, e.g. `\x1b[3~` → params '3', final '~'. */
  | { readonly kind: 'csi'; readonly params: string; readonly final: string }
  /** ESC O final, e.g. `\x1bOA` (application cursor keys). */
  | { readonly kind: 'ss3'; readonly final: string }
  /** ESC followed by a character: Alt+character. */
  | { readonly kind: 'meta'; readonly ch: string }
  /** A lone Escape, or a malformed sequence. */
  | { readonly kind: 'esc' };

/** Longest escape sequence kept across chunks; longer ones are garbage. */
const MAX_PENDING = 64;

const ESC = '\x1b';

export class KeyParser {
  private pending = '';

  /** Tokens for `data`, prefixed by whatever the previous chunk left incomplete. */
  feed(data: string): KeyToken[] {
    const s = this.pending + data;
    this.pending = '';
    const out: KeyToken[] = [];
    let i = 0;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x1b) {
        const r = this.escape(s, i, out);
        if (r < 0) {
          // Incomplete: wait for the rest, unless it is already too long.
          if (s.length - i <= MAX_PENDING) this.pending = s.slice(i);
          else out.push({ kind: 'esc' });
          return out;
        }
        i = r;
        continue;
      }
      if (c < 0x20 || c === 0x7f) {
        out.push({ kind: 'ctrl', code: c });
        i++;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdbff) {
        if (i + 1 >= s.length) {
          this.pending = s.slice(i);
          return out;
        }
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          out.push({ kind: 'char', ch: s.slice(i, i + 2) });
          i += 2;
          continue;
        }
        i++; // a lone high surrogate: drop it
        continue;
      }
      if (c >= 0xdc00 && c <= 0xdfff) {
        i++; // a lone low surrogate
        continue;
      }
      out.push({ kind: 'char', ch: s[i] });
      i++;
    }
    return out;
  }

  /** True when an incomplete sequence waits for the next chunk. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Gives up on an incomplete sequence (a lone ESC becomes an Escape key). */
  flush(): KeyToken[] {
    if (!this.pending) return [];
    this.pending = '';
    return [{ kind: 'esc' }];
  }

  /** Parses the sequence starting with ESC at `i`; returns the index after it, or -1 when incomplete. */
  private escape(s: string, i: number, out: KeyToken[]): number {
    if (i + 1 >= s.length) return -1;
    const next = s[i + 1];
    if (next === '[') {
      let j = i + 2;
      while (j < s.length) {
        const c = s.charCodeAt(j);
        if (c >= 0x40 && c <= 0x7e) {
          out.push({ kind: 'csi', params: s.slice(i + 2, j), final: s[j] });
          return j + 1;
        }
        if (c < 0x20 || c > 0x3f) {
          // Not a parameter or intermediate byte: malformed, resume at it.
          out.push({ kind: 'esc' });
          return j;
        }
        j++;
      }
      return -1;
    }
    if (next === 'O') {
      if (i + 2 >= s.length) return -1;
      const c = s.charCodeAt(i + 2);
      if (c >= 0x40 && c <= 0x7e) {
        out.push({ kind: 'ss3', final: s[i + 2] });
        return i + 3;
      }
      out.push({ kind: 'meta', ch: 'O' });
      return i + 2;
    }
    if (next === ESC) {
      // ESC ESC: the first one was a lone Escape.
      out.push({ kind: 'esc' });
      return i + 1;
    }
    const cp = s.codePointAt(i + 1)!;
    const ch = String.fromCodePoint(cp);
    out.push({ kind: 'meta', ch });
    return i + 1 + ch.length;
  }
}
