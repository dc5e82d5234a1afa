// Hand-written lexer for the POSIX Shell Command Language (XCU 2.3, 2.6).
// It turns source text into operator, newline, IO_NUMBER and word tokens.
// Words come out already divided into quoting/expansion parts because the
// quoting of each character decides how it expands later; $(...) bodies are
// parsed recursively by the parser (through `subParse`) so that nested
// quotes, case patterns and parentheses are handled by the real grammar
// rather than by bracket counting. Here-document bodies are read when the
// lexer reaches the newline that ends the line holding their operators.

import type { HereDoc, List, ParamOp, Word, WordPart } from './ast';
import { ShellSyntaxError } from './errors';

export type Token =
  | { readonly kind: 'word'; readonly word: Word; readonly start: number; readonly end: number; readonly heredoc?: HereDoc }
  | { readonly kind: 'op'; readonly op: string; readonly start: number; readonly end: number }
  | { readonly kind: 'ionum'; readonly fd: number; readonly start: number; readonly end: number }
  | { readonly kind: 'newline'; readonly start: number; readonly end: number }
  | { readonly kind: 'eof'; readonly start: number; readonly end: number };

/** Parses a command list starting at `pos` up to a closing `)`; returns the list and the offset after the `)`. */
export type SubParser = (src: string, pos: number) => { list: List; end: number };

// Longest first, so that the first match is the longest operator.
const OPERATORS = ['&>>', '<<-', '&&', '||', ';;', '<<', '>>', '<&', '>&', '<>', '>|', '&>', '&', '|', ';', '<', '>', '(', ')'];
const META = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

export function isName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    const digit = c >= 48 && c <= 57;
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

function isNameChar(ch: string | undefined, first: boolean): boolean {
  if (ch === undefined) return false;
  return isName(first ? ch : 'a' + ch);
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** Accumulates parts, merging adjacent literals of the same quoting. */
class PartBuilder {
  readonly parts: WordPart[] = [];
  lit(text: string, quoted: boolean): void {
    const last = this.parts[this.parts.length - 1];
    if (last && last.type === 'lit' && last.quoted === quoted) {
      this.parts[this.parts.length - 1] = { type: 'lit', text: last.text + text, quoted };
    } else {
      this.parts.push({ type: 'lit', text, quoted });
    }
  }
  push(part: WordPart): void {
    this.parts.push(part);
  }
}

export class Lexer {
  pos: number;
  private readonly pending: HereDoc[] = [];
  private heredocOp: '<<' | '<<-' | undefined;

  constructor(public src: string, private readonly subParse: SubParser, start = 0) {
    this.pos = start;
  }

  /** Inserts alias text at the current position (alias substitution happens at the token level). */
  insert(text: string): void {
    this.src = this.src.slice(0, this.pos) + text + this.src.slice(this.pos);
  }

  next(): Token {
    this.skipBlanks();
    const start = this.pos;
    const ch = this.src[this.pos];
    if (ch === undefined) {
      if (this.pending.length > 0) {
        throw new ShellSyntaxError(`here-document delimited by end-of-file (wanted "${this.pending[0].delimiter}")`, true);
      }
      return { kind: 'eof', start, end: start };
    }
    if (ch === '\n') {
      this.pos++;
      this.readHereDocs();
      return { kind: 'newline', start, end: this.pos };
    }
    for (const op of OPERATORS) {
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        if (op === '<<' || op === '<<-') this.heredocOp = op;
        return { kind: 'op', op, start, end: this.pos };
      }
    }
    // IO_NUMBER: digits immediately followed by < or >.
    let d = this.pos;
    while (isDigit(this.src[d])) d++;
    if (d > this.pos && (this.src[d] === '<' || this.src[d] === '>')) {
      this.pos = d;
      return { kind: 'ionum', fd: Number(this.src.slice(start, d)), start, end: d };
    }
    const word = this.readWord();
    const end = this.pos;
    if (this.heredocOp) {
      const quoted = word.parts.some((p) => p.type !== 'lit' || p.quoted);
      const doc: HereDoc = { delimiter: unquoteRaw(word.raw), strip: this.heredocOp === '<<-', quoted, body: { parts: [], raw: '' } };
      this.heredocOp = undefined;
      this.pending.push(doc);
      return { kind: 'word', word, start, end, heredoc: doc };
    }
    return { kind: 'word', word, start, end };
  }

  private skipBlanks(): void {
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === ' ' || ch === '\t') {
        this.pos++;
      } else if (ch === '\\' && this.src[this.pos + 1] === '\n') {
        this.pos += 2;
      } else if (ch === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  private readHereDocs(): void {
    while (this.pending.length > 0) {
      const doc = this.pending.shift()!;
      const lines: string[] = [];
      let found = false;
      while (this.pos < this.src.length) {
        let nl = this.src.indexOf('\n', this.pos);
        if (nl < 0) nl = this.src.length;
        let line = this.src.slice(this.pos, nl);
        this.pos = Math.min(nl + 1, this.src.length);
        if (doc.strip) line = line.replace(/^\t+/, '');
        if (line === doc.delimiter) {
          found = true;
          break;
        }
        lines.push(line + '\n');
      }
      if (!found) {
        throw new ShellSyntaxError(`here-document delimited by end-of-file (wanted "${doc.delimiter}")`, true);
      }
      const text = lines.join('');
      doc.body = doc.quoted
        ? { parts: text ? [{ type: 'lit', text, quoted: true }] : [], raw: text }
        : new Lexer(text, this.subParse).readHereDocBody();
    }
  }

  /** The whole source as an unquoted here-document body: only $, ` and \ are special. */
  readHereDocBody(): Word {
    const b = new PartBuilder();
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\') {
        const n = this.src[this.pos + 1];
        if (n === '\n') { this.pos += 2; continue; }
        if (n === '$' || n === '`' || n === '\\') { b.lit(n, true); this.pos += 2; continue; }
        b.lit('\\', true);
        this.pos++;
      } else if (ch === '$') {
        this.readDollar(b, true);
      } else if (ch === '`') {
        b.push(this.readBackquote());
      } else {
        b.lit(ch, true);
        this.pos++;
      }
    }
    return { parts: b.parts, raw: this.src };
  }

  private readWord(): Word {
    const start = this.pos;
    const b = new PartBuilder();
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined || META.has(ch)) break;
      this.readWordChar(b, ch);
    }
    return { parts: b.parts, raw: this.src.slice(start, this.pos) };
  }

  /** One character (or quoted/expansion construct) of an unquoted word context. */
  private readWordChar(b: PartBuilder, ch: string): void {
    if (ch === '\\') {
      const n = this.src[this.pos + 1];
      if (n === '\n') { this.pos += 2; return; }
      if (n === undefined) { b.lit('\\', false); this.pos++; return; }
      b.lit(n, true);
      this.pos += 2;
    } else if (ch === "'") {
      const close = this.src.indexOf("'", this.pos + 1);
      if (close < 0) throw new ShellSyntaxError('unterminated quoted string', true);
      b.lit(this.src.slice(this.pos + 1, close), true);
      this.pos = close + 1;
    } else if (ch === '"') {
      this.pos++;
      b.push({ type: 'dq', parts: this.readDoubleQuoted() });
    } else if (ch === '$') {
      this.readDollar(b, false);
    } else if (ch === '`') {
      b.push(this.readBackquote());
    } else {
      b.lit(ch, false);
      this.pos++;
    }
  }

  /** After the opening ", up to and including the closing ". */
  private readDoubleQuoted(): WordPart[] {
    const b = new PartBuilder();
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined) throw new ShellSyntaxError('unterminated quoted string', true);
      if (ch === '"') { this.pos++; break; }
      if (ch === '\\') {
        const n = this.src[this.pos + 1];
        if (n === '\n') { this.pos += 2; continue; }
        if (n === '$' || n === '`' || n === '"' || n === '\\') { b.lit(n, true); this.pos += 2; continue; }
        b.lit('\\', true);
        this.pos++;
      } else if (ch === '$') {
        this.readDollar(b, true);
      } else if (ch === '`') {
        b.push(this.readBackquote());
      } else {
        b.lit(ch, true);
        this.pos++;
      }
    }
    return b.parts;
  }

  private readDollar(b: PartBuilder, inQuotes: boolean): void {
    const n = this.src[this.pos + 1];
    if (n === '{') {
      this.pos += 2;
      b.push(this.readBraced());
    } else if (n === '(' && this.src[this.pos + 2] === '(') {
      const save = this.pos;
      try {
        this.pos += 3;
        b.push({ type: 'arith', expr: this.readArith() });
      } catch (e) {
        // `$( (a) )` written without a space: a command substitution holding a subshell.
        if (!(e instanceof ShellSyntaxError) || e.incomplete) throw e;
        this.pos = save + 2;
        b.push(this.readCommandSub());
      }
    } else if (n === '(') {
      this.pos += 2;
      b.push(this.readCommandSub());
    } else if (isNameChar(n, true)) {
      let e = this.pos + 1;
      while (isNameChar(this.src[e], false)) e++;
      b.push({ type: 'param', name: this.src.slice(this.pos + 1, e) });
      this.pos = e;
    } else if (n !== undefined && (isDigit(n) || SPECIAL_PARAMS.has(n))) {
      b.push({ type: 'param', name: n });
      this.pos += 2;
    } else {
      b.lit('$', inQuotes);
      this.pos++;
    }
  }

  private readCommandSub(): WordPart {
    const { list, end } = this.subParse(this.src, this.pos);
    this.pos = end;
    return { type: 'cmdsub', body: list };
  }

  /** After `${`. */
  private readBraced(): WordPart {
    const src = this.src;
    if (src[this.pos] === '#' && src[this.pos + 1] !== '}') {
      const name = this.readParamName(this.pos + 1);
      if (name && src[this.pos + 1 + name.length] === '}') {
        this.pos += name.length + 2;
        return { type: 'length', name };
      }
    }
    const name = this.readParamName(this.pos);
    if (!name) throw new ShellSyntaxError('bad substitution', src[this.pos] === undefined);
    this.pos += name.length;
    if (src[this.pos] === '}') {
      this.pos++;
      return { type: 'param', name };
    }
    const ops: ParamOp[] = [':-', ':=', ':?', ':+', '%%', '##', '-', '=', '?', '+', '%', '#'];
    const op = ops.find((o) => src.startsWith(o, this.pos));
    if (!op) throw new ShellSyntaxError('bad substitution', src[this.pos] === undefined);
    this.pos += op.length;
    const start = this.pos;
    const b = new PartBuilder();
    for (;;) {
      const ch = src[this.pos];
      if (ch === undefined) throw new ShellSyntaxError('missing "}"', true);
      if (ch === '}') break;
      if (ch === ' ' || ch === '\t' || ch === '\n' || META.has(ch)) {
        // Inside ${...} blanks and operators are ordinary characters.
        b.lit(ch, false);
        this.pos++;
      } else {
        this.readWordChar(b, ch);
      }
    }
    const arg: Word = { parts: b.parts, raw: src.slice(start, this.pos) };
    this.pos++;
    return { type: 'param', name, op, arg };
  }

  private readParamName(at: number): string | undefined {
    const ch = this.src[at];
    if (isNameChar(ch, true)) {
      let e = at + 1;
      while (isNameChar(this.src[e], false)) e++;
      return this.src.slice(at, e);
    }
    if (isDigit(ch)) {
      let e = at + 1;
      while (isDigit(this.src[e])) e++;
      return this.src.slice(at, e);
    }
    if (ch !== undefined && SPECIAL_PARAMS.has(ch)) return ch;
    return undefined;
  }

  /** After `$((`, up to and including `))`; parentheses inside must balance. */
  private readArith(): Word {
    const start = this.pos;
    const b = new PartBuilder();
    let depth = 0;
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined) throw new ShellSyntaxError('missing "))"', true);
      if (ch === ')' && depth === 0) {
        if (this.src[this.pos + 1] !== ')') throw new ShellSyntaxError('missing "))"');
        const raw = this.src.slice(start, this.pos);
        this.pos += 2;
        return { parts: b.parts, raw };
      }
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (ch === '$') this.readDollar(b, true);
      else if (ch === '`') b.push(this.readBackquote());
      else if (ch === '\\' || ch === '"' || ch === "'") this.readWordChar(b, ch);
      else {
        b.lit(ch, true);
        this.pos++;
      }
    }
  }

  /** At a backquote: the body is unescaped (\$ \` \\ lose the backslash) and parsed as a program. */
  private readBackquote(): WordPart {
    this.pos++;
    let body = '';
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined) throw new ShellSyntaxError('unterminated `...`', true);
      if (ch === '`') { this.pos++; break; }
      if (ch === '\\' && '$`\\'.includes(this.src[this.pos + 1] ?? '')) {
        body += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      body += ch;
      this.pos++;
    }
    const { list, end } = this.subParse(body + ')', 0);
    if (end !== body.length + 1) throw new ShellSyntaxError('unexpected ")"');
    return { type: 'cmdsub', body: list };
  }
}

/** Quote removal on a raw here-doc delimiter (quotes only matter as "the body is literal"). */
function unquoteRaw(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === "'" || ch === '"') continue;
    if (ch === '\\' && i + 1 < raw.length) {
      out += raw[++i];
      continue;
    }
    out += ch;
  }
  return out;
}
