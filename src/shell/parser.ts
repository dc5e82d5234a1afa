// Recursive-descent parser for the POSIX Shell Command Language grammar
// (XCU 2.10). Reserved words are recognised only where the grammar allows a
// command to start; aliases are substituted at the same place, at parse
// time, like real shells do (so an alias defined on one line applies to the
// next one).

import type {
  AndOr, Assignment, CaseItem, Command, CompoundCommand, List, ListItem, Pipeline, Redirect, RedirectOp, SimpleCommand, Word,
} from './ast';
import { ShellSyntaxError } from './errors';
import { isName, Lexer, type Token } from './lexer';

export interface ParserOptions {
  /** Looks up an alias by name (command position only). */
  readonly alias?: (name: string) => string | undefined;
}

const REDIRECT_OPS = new Set(['<', '>', '>>', '>|', '<>', '<&', '>&', '&>', '&>>', '<<', '<<-']);
/** Words that end a compound list when they appear where a command could start. */
const LIST_END = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);

export class Parser {
  private readonly lexer: Lexer;
  private tok: Token | undefined;
  private lastEnd = 0;
  /** Aliases being expanded and where their text ends, so `alias ls='ls -F'` does not recurse. */
  private readonly activeAliases: { name: string; end: number }[] = [];

  constructor(src: string, private readonly options: ParserOptions = {}, start = 0) {
    this.lexer = new Lexer(src, (s, pos) => new Parser(s, this.options, pos).parseSubstitution(), start);
  }

  /** The whole input as one list. */
  parseProgram(): List {
    const items: ListItem[] = [];
    for (;;) {
      const line = this.parseCommandLine();
      if (!line) return { type: 'list', items };
      items.push(...line.items);
    }
  }

  /** The next complete command (up to an unescaped newline), or null at end of input. */
  parseCommandLine(): List | null {
    this.skipNewlines();
    if (this.peek().kind === 'eof') return null;
    const items: ListItem[] = [];
    for (;;) {
      items.push(this.parseListItem());
      const t = this.peek();
      if (t.kind === 'op' && (t.op === ';' || t.op === '&')) {
        this.take();
        const n = this.peek();
        if (n.kind === 'newline' || n.kind === 'eof') break;
        continue;
      }
      if (t.kind === 'newline' || t.kind === 'eof') break;
      throw this.unexpected(t);
    }
    if (this.peek().kind === 'newline') this.take();
    return { type: 'list', items };
  }

  /** Body of $(...): a compound list followed by `)`. */
  parseSubstitution(): { list: List; end: number } {
    const list = this.parseCompoundList(true);
    const t = this.take();
    if (t.kind !== 'op' || t.op !== ')') throw this.unexpected(t);
    return { list, end: t.end };
  }

  // -- tokens --

  private peek(): Token {
    if (!this.tok) this.tok = this.lexer.next();
    return this.tok;
  }

  private take(): Token {
    const t = this.peek();
    this.tok = undefined;
    this.lastEnd = t.end;
    return t;
  }

  private isReserved(t: Token, word: string): boolean {
    return t.kind === 'word' && t.word.raw === word;
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.op === op;
  }

  private expectReserved(word: string): void {
    const t = this.take();
    if (!this.isReserved(t, word)) throw this.unexpected(t);
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.take();
  }

  private unexpected(t: Token): ShellSyntaxError {
    switch (t.kind) {
      case 'eof': return new ShellSyntaxError('unexpected end of file', true);
      case 'newline': return new ShellSyntaxError('unexpected newline');
      case 'op': return new ShellSyntaxError(`unexpected "${t.op}"`);
      case 'ionum': return new ShellSyntaxError(`unexpected "${t.fd}"`);
      case 'word': return new ShellSyntaxError(`unexpected "${t.word.raw}"`);
    }
  }

  // -- lists --

  private atListEnd(): boolean {
    const t = this.peek();
    if (t.kind === 'eof') return true;
    if (t.kind === 'op') return t.op === ')' || t.op === ';;';
    return t.kind === 'word' && LIST_END.has(t.word.raw);
  }

  /** compound_list: newline-separated and-or lists up to a closing reserved word or operator. */
  private parseCompoundList(allowEmpty = false): List {
    const items: ListItem[] = [];
    this.skipNewlines();
    while (!this.atListEnd()) {
      items.push(this.parseListItem());
      const t = this.peek();
      if (t.kind === 'op' && (t.op === ';' || t.op === '&')) {
        this.take();
      } else if (t.kind !== 'newline' && !this.atListEnd()) {
        throw this.unexpected(t);
      }
      this.skipNewlines();
    }
    if (items.length === 0 && !allowEmpty) throw this.unexpected(this.peek());
    return { type: 'list', items };
  }

  private parseListItem(): ListItem {
    const start = this.peek().start;
    const andOr = this.parseAndOr();
    const text = this.lexer.src.slice(start, this.lastEnd);
    const t = this.peek();
    const background = this.isOp(t, '&');
    return { andOr, background, text };
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: { op: '&&' | '||'; pipeline: Pipeline }[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.op !== '&&' && t.op !== '||')) break;
      this.take();
      this.skipNewlines();
      rest.push({ op: t.op, pipeline: this.parsePipeline() });
    }
    return { type: 'andor', first, rest };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    if (this.isReserved(this.peek(), '!')) {
      this.take();
      negate = true;
    }
    const commands = [this.parseCommand()];
    while (this.isOp(this.peek(), '|')) {
      this.take();
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    return { type: 'pipeline', negate, commands };
  }

  // -- commands --

  private parseCommand(): Command {
    this.expandAliases();
    const t = this.peek();
    if (t.kind === 'op' && t.op === '(') {
      this.take();
      const body = this.parseCompoundList();
      const close = this.take();
      if (!this.isOp(close, ')')) throw this.unexpected(close);
      return { type: 'subshell', body, redirects: this.parseRedirects() };
    }
    if (t.kind === 'word') {
      switch (t.word.raw) {
        case '{': case 'if': case 'while': case 'until': case 'for': case 'case':
          return this.parseCompound();
        case 'function':
          return this.parseFunctionKeyword();
        default:
          if (LIST_END.has(t.word.raw)) throw this.unexpected(t);
      }
    }
    return this.parseSimpleOrFunction();
  }

  /** Substitutes an alias for the word in command position, repeatedly (but never an alias inside itself). */
  private expandAliases(): void {
    const lookup = this.options.alias;
    if (!lookup) return;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'word') return;
      const w = t.word;
      if (w.parts.length !== 1 || w.parts[0].type !== 'lit' || w.parts[0].quoted) return;
      const name = w.raw;
      if (this.activeAliases.some((a) => a.name === name && t.start < a.end)) return;
      const value = lookup(name);
      if (value === undefined) return;
      // The word was already lexed: replace it by the alias text.
      this.tok = undefined;
      this.lexer.pos = t.start;
      this.lexer.src = this.lexer.src.slice(0, t.start) + this.lexer.src.slice(t.end);
      this.lexer.insert(value);
      for (const a of this.activeAliases) if (a.end > t.start) a.end += value.length - (t.end - t.start);
      this.activeAliases.push({ name, end: t.start + value.length });
    }
  }

  private parseCompound(): CompoundCommand {
    const t = this.take();
    const word = t.kind === 'word' ? t.word.raw : '';
    switch (word) {
      case '{': {
        const body = this.parseCompoundList();
        this.expectReserved('}');
        return { type: 'brace', body, redirects: this.parseRedirects() };
      }
      case 'if': {
        const clauses: { cond: List; body: List }[] = [];
        let elseBody: List | undefined;
        const cond = this.parseCompoundList();
        this.expectReserved('then');
        clauses.push({ cond, body: this.parseCompoundList() });
        for (;;) {
          const k = this.take();
          if (this.isReserved(k, 'elif')) {
            const c = this.parseCompoundList();
            this.expectReserved('then');
            clauses.push({ cond: c, body: this.parseCompoundList() });
          } else if (this.isReserved(k, 'else')) {
            elseBody = this.parseCompoundList();
            this.expectReserved('fi');
            break;
          } else if (this.isReserved(k, 'fi')) {
            break;
          } else {
            throw this.unexpected(k);
          }
        }
        return { type: 'if', clauses, elseBody, redirects: this.parseRedirects() };
      }
      case 'while':
      case 'until': {
        const cond = this.parseCompoundList();
        this.expectReserved('do');
        const body = this.parseCompoundList();
        this.expectReserved('done');
        return { type: word, cond, body, redirects: this.parseRedirects() };
      }
      case 'for':
        return this.parseFor();
      default:
        return this.parseCase();
    }
  }

  private parseFor(): CompoundCommand {
    const nameTok = this.take();
    if (nameTok.kind !== 'word' || !isName(nameTok.word.raw)) throw this.unexpected(nameTok);
    let items: Word[] | undefined;
    if (this.isOp(this.peek(), ';')) {
      this.take();
    } else {
      this.skipNewlines();
      if (this.isReserved(this.peek(), 'in')) {
        this.take();
        items = [];
        for (;;) {
          const t = this.peek();
          if (t.kind !== 'word') break;
          this.take();
          items.push(t.word);
        }
        const sep = this.take();
        if (!this.isOp(sep, ';') && sep.kind !== 'newline') throw this.unexpected(sep);
      }
    }
    this.skipNewlines();
    this.expectReserved('do');
    const body = this.parseCompoundList();
    this.expectReserved('done');
    return { type: 'for', name: nameTok.word.raw, items, body, redirects: this.parseRedirects() };
  }

  private parseCase(): CompoundCommand {
    const wt = this.take();
    if (wt.kind !== 'word') throw this.unexpected(wt);
    this.skipNewlines();
    this.expectReserved('in');
    this.skipNewlines();
    const items: CaseItem[] = [];
    while (!this.isReserved(this.peek(), 'esac')) {
      if (this.isOp(this.peek(), '(')) this.take();
      const patterns: Word[] = [];
      for (;;) {
        const p = this.take();
        if (p.kind !== 'word') throw this.unexpected(p);
        patterns.push(p.word);
        const sep = this.take();
        if (this.isOp(sep, ')')) break;
        if (!this.isOp(sep, '|')) throw this.unexpected(sep);
      }
      const body = this.parseCompoundList(true);
      items.push({ patterns, body });
      const end = this.peek();
      if (this.isOp(end, ';;')) {
        this.take();
        this.skipNewlines();
      } else if (!this.isReserved(end, 'esac')) {
        throw this.unexpected(end);
      }
    }
    this.take();
    return { type: 'case', word: wt.word, items, redirects: this.parseRedirects() };
  }

  /** bash's `function name { ...; }` / `function name() { ...; }`. */
  private parseFunctionKeyword(): Command {
    const start = this.take().start;
    const nameTok = this.take();
    if (nameTok.kind !== 'word' || !isName(nameTok.word.raw)) throw this.unexpected(nameTok);
    if (this.isOp(this.peek(), '(')) {
      this.take();
      const close = this.take();
      if (!this.isOp(close, ')')) throw this.unexpected(close);
    }
    return this.parseFunctionBody(nameTok.word.raw, start);
  }

  private parseFunctionBody(name: string, start: number): Command {
    this.skipNewlines();
    const t = this.peek();
    const compound = (t.kind === 'word' && ['{', 'if', 'while', 'until', 'for', 'case'].includes(t.word.raw)) || this.isOp(t, '(');
    if (!compound) throw this.unexpected(t);
    const body = this.parseCommand();
    return { type: 'function', name, body, text: this.lexer.src.slice(start, this.lastEnd) };
  }

  private parseRedirects(): Redirect[] {
    const out: Redirect[] = [];
    for (;;) {
      const r = this.parseRedirect();
      if (!r) return out;
      out.push(r);
    }
  }

  private parseRedirect(): Redirect | undefined {
    let t = this.peek();
    let fd: number | undefined;
    if (t.kind === 'ionum') {
      this.take();
      fd = t.fd;
      t = this.peek();
      if (t.kind !== 'op' || !REDIRECT_OPS.has(t.op)) throw this.unexpected(t);
    } else if (t.kind !== 'op' || !REDIRECT_OPS.has(t.op)) {
      return undefined;
    }
    this.take();
    const target = this.take();
    if (target.kind !== 'word') throw this.unexpected(target);
    if (t.op === '<<' || t.op === '<<-') {
      return { type: 'heredoc', fd, doc: target.heredoc! };
    }
    return { type: 'file', fd, op: t.op as RedirectOp, target: target.word };
  }

  private parseSimpleOrFunction(): Command {
    const first = this.peek();
    // NAME ( ) compound-command
    if (first.kind === 'word' && isName(first.word.raw)) {
      this.take();
      if (this.isOp(this.peek(), '(')) {
        this.take();
        const close = this.take();
        if (!this.isOp(close, ')')) throw this.unexpected(close);
        return this.parseFunctionBody(first.word.raw, first.start);
      }
      // Not a function: hand the word back to the simple-command loop.
      return this.parseSimple(first);
    }
    return this.parseSimple(undefined);
  }

  private parseSimple(firstWord: Extract<Token, { kind: 'word' }> | undefined): SimpleCommand {
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    const addWord = (w: Word): void => {
      const a = words.length === 0 ? asAssignment(w) : undefined;
      if (a) assigns.push(a);
      else words.push(w);
    };
    if (firstWord) addWord(firstWord.word);
    for (;;) {
      const r = this.parseRedirect();
      if (r) {
        redirects.push(r);
        continue;
      }
      const t = this.peek();
      if (t.kind !== 'word') break;
      this.take();
      addWord(t.word);
    }
    if (assigns.length === 0 && words.length === 0 && redirects.length === 0) throw this.unexpected(this.peek());
    return { type: 'simple', assigns, words, redirects };
  }
}

/** NAME=value, where NAME is unquoted: the assignment's value is the rest of the word. */
function asAssignment(w: Word): Assignment | undefined {
  const first = w.parts[0];
  if (!first || first.type !== 'lit' || first.quoted) return undefined;
  const eq = first.text.indexOf('=');
  if (eq <= 0 || !isName(first.text.slice(0, eq))) return undefined;
  const rest = first.text.slice(eq + 1);
  const parts = rest ? [{ ...first, text: rest }, ...w.parts.slice(1)] : w.parts.slice(1);
  return { name: first.text.slice(0, eq), value: { parts, raw: w.raw.slice(eq + 1) } };
}

/** Parses a whole script; throws ShellSyntaxError. */
export function parse(src: string, options?: ParserOptions): List {
  return new Parser(src, options).parseProgram();
}
