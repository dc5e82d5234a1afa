// Word expansion (XCU 2.6): tilde, parameter, command substitution and
// arithmetic expansion produce pieces that remember whether they were quoted
// and whether they came from an expansion (only those are field-split);
// then field splitting on IFS, pathname expansion, quote removal.

import type { List, Word, WordPart } from './ast';
import { evaluateArithmetic } from './arith';
import { ShellError } from './errors';
import type { ShellHost } from './host';
import { escapePattern, hasGlob, matchPattern, trimPattern, unescapePattern } from './pattern';
import { joinPath, resolvePath } from './paths';
import type { ShellState } from './state';

export interface ExpandContext {
  readonly state: ShellState;
  readonly host: ShellHost;
  /** Runs $(...) and returns its output (trailing newlines are removed here). */
  commandSubstitution(body: List): Promise<string>;
  /** Assignment that honours read-only variables. */
  assign(name: string, value: string): void;
}

type Piece = { text: string; quoted: boolean; split: boolean } | { brk: true };
type Chunk = { text: string; quoted: boolean };

export class Expander {
  constructor(private readonly ctx: ExpandContext) {}

  /** Full expansion of command words: may yield zero or many fields. */
  async words(words: readonly Word[]): Promise<string[]> {
    const out: string[] = [];
    for (const w of words) {
      for (const field of this.split(await this.parts(w.parts, false, true))) {
        out.push(...this.glob(field));
      }
    }
    return out;
  }

  /** Expansion to one string without splitting or globbing (assignments, redirection targets, here-docs, case words). */
  async string(word: Word, tilde = true): Promise<string> {
    const pieces = await this.parts(word.parts, false, tilde);
    return pieces.map((p) => ('brk' in p ? ' ' : p.text)).join('');
  }

  /** Expansion to a pattern: quoted characters are escaped so they match literally. */
  async pattern(word: Word): Promise<string> {
    const pieces = await this.parts(word.parts, false, true);
    return pieces.map((p) => ('brk' in p ? ' ' : p.quoted ? escapePattern(p.text) : p.text)).join('');
  }

  private async parts(parts: readonly WordPart[], inQuotes: boolean, tilde: boolean): Promise<Piece[]> {
    const out: Piece[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      switch (part.type) {
        case 'lit': {
          let text = part.text;
          if (i === 0 && tilde && !inQuotes && !part.quoted && text.startsWith('~')) {
            const slash = text.indexOf('/');
            const prefix = slash < 0 ? text.slice(1) : text.slice(1, slash);
            // ~user ends at the first slash; if the word continues with other parts, only a bare ~ counts.
            if (slash >= 0 || parts.length === 1 || prefix === '') {
              const home = this.home(prefix);
              if (home !== undefined) {
                out.push({ text: home, quoted: true, split: false });
                text = text.slice(1 + prefix.length);
              }
            }
          }
          if (text) out.push({ text, quoted: part.quoted || inQuotes, split: false });
          break;
        }
        case 'dq': {
          const inner = await this.parts(part.parts, true, false);
          // An empty "" still makes a field, but "$@" with no parameters makes none.
          const onlyAt = part.parts.length === 1 && part.parts[0].type === 'param' && part.parts[0].name === '@' && !part.parts[0].op;
          if (!onlyAt) out.push({ text: '', quoted: true, split: false });
          out.push(...inner);
          break;
        }
        case 'param':
          out.push(...(await this.param(part.name, part.op, part.arg, inQuotes)));
          break;
        case 'length': {
          // ${#@} counts parameters; otherwise characters (code points, not UTF-16 units).
          const n = part.name === '@' || part.name === '*' ? this.ctx.state.positional.length : [...(this.lookup(part.name, true) ?? '')].length;
          out.push({ text: String(n), quoted: inQuotes, split: !inQuotes });
          break;
        }
        case 'cmdsub': {
          const text = (await this.ctx.commandSubstitution(part.body)).replace(/\n+$/, '');
          out.push({ text, quoted: inQuotes, split: !inQuotes });
          break;
        }
        case 'arith': {
          const expr = await this.string(part.expr, false);
          const state = this.ctx.state;
          const value = evaluateArithmetic(expr, { get: (n) => state.get(n), set: (n, v) => this.ctx.assign(n, v) });
          out.push({ text: String(value), quoted: inQuotes, split: !inQuotes });
          break;
        }
      }
    }
    return out;
  }

  private home(user: string): string | undefined {
    if (user === '') return this.ctx.state.get('HOME') ?? '/';
    if (user === 'root') return '/root';
    const dir = `/home/${user}`;
    return this.ctx.host.stat(dir)?.kind === 'directory' ? dir : undefined;
  }

  /** A parameter's value, or undefined when unset; `set -u` makes unset an error unless `quiet`. */
  lookup(name: string, strict = false): string | undefined {
    const s = this.ctx.state;
    let v: string | undefined;
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      v = n === 0 ? s.arg0 : s.positional[n - 1];
    } else {
      switch (name) {
        case '?': v = String(s.status); break;
        case '$': v = String(this.ctx.host.pid); break;
        case '!': v = s.lastBgPid === undefined ? undefined : String(s.lastBgPid); break;
        case '#': v = String(s.positional.length); break;
        case '-': v = (s.options.errexit ? 'e' : '') + (s.options.nounset ? 'u' : '') + (s.options.xtrace ? 'x' : '') + (s.options.noglob ? 'f' : ''); break;
        case '@': case '*': v = s.positional.join(' '); break;
        default: v = s.get(name);
      }
    }
    if (v === undefined && strict && s.options.nounset && name !== '@' && name !== '*') {
      throw new ShellError(`${name}: parameter not set`, 2, true);
    }
    return v;
  }

  private async param(name: string, op: string | undefined, arg: Word | undefined, inQuotes: boolean): Promise<Piece[]> {
    const s = this.ctx.state;
    if ((name === '@' || name === '*') && !op) {
      const params = s.positional;
      if (inQuotes && name === '*') {
        const ifs = s.get('IFS');
        return [{ text: params.join(ifs === undefined ? ' ' : ifs.slice(0, 1)), quoted: true, split: false }];
      }
      const out: Piece[] = [];
      params.forEach((p, i) => {
        if (i > 0) out.push({ brk: true });
        out.push({ text: p, quoted: inQuotes, split: !inQuotes });
      });
      return out;
    }
    const value = this.lookup(name, op === undefined || op === '%' || op === '%%' || op === '#' || op === '##');
    const piece = (text: string): Piece[] => [{ text, quoted: inQuotes, split: !inQuotes }];
    if (!op || !arg) return piece(value ?? '');
    const missing = op.startsWith(':') ? value === undefined || value === '' : value === undefined;
    switch (op) {
      case ':-': case '-':
        return missing ? this.parts(arg.parts, inQuotes, true) : piece(value!);
      case ':=': case '=': {
        if (!missing) return piece(value!);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ShellError(`${name}: cannot assign in this way`, 2, true);
        const v = await this.string(arg);
        this.ctx.assign(name, v);
        return piece(v);
      }
      case ':?': case '?': {
        if (!missing) return piece(value!);
        const msg = await this.string(arg);
        throw new ShellError(`${name}: ${msg || 'parameter null or not set'}`, 2, true);
      }
      case ':+': case '+':
        return missing ? [] : this.parts(arg.parts, inQuotes, true);
      default:
        return piece(trimPattern(value ?? '', await this.pattern(arg), op as '#' | '##' | '%' | '%%'));
    }
  }

  /** Field splitting: only unquoted expansion results split, on IFS. */
  private split(pieces: Piece[]): Chunk[][] {
    const ifs = this.ctx.state.get('IFS') ?? ' \t\n';
    const fields: Chunk[][] = [];
    let cur: Chunk[] | null = null;
    let wsFinished = false;
    const finish = (): void => {
      if (cur) fields.push(cur);
      cur = null;
    };
    for (const p of pieces) {
      if ('brk' in p) {
        finish();
        continue;
      }
      if (!p.split || ifs === '') {
        // Empty unquoted expansions vanish; quoted (even empty) text starts a field.
        if (p.text !== '' || p.quoted) (cur ??= []).push({ text: p.text, quoted: p.quoted });
        if (p.text !== '') wsFinished = false;
        continue;
      }
      let text = '';
      for (const ch of p.text) {
        if (!ifs.includes(ch)) {
          text += ch;
          wsFinished = false;
          continue;
        }
        if (text) (cur ??= []).push({ text, quoted: false });
        text = '';
        if (ch === ' ' || ch === '\t' || ch === '\n') {
          if (cur) {
            finish();
            wsFinished = true;
          }
        } else {
          if (cur) finish();
          else if (!wsFinished) fields.push([]);
          wsFinished = false;
        }
      }
      if (text) (cur ??= []).push({ text, quoted: false });
    }
    finish();
    return fields;
  }

  /** Pathname expansion of one field; no match leaves the word as it was. */
  private glob(field: Chunk[]): string[] {
    const literal = field.map((c) => c.text).join('');
    if (this.ctx.state.options.noglob) return [literal];
    const pattern = field.map((c) => (c.quoted ? escapePattern(c.text) : c.text)).join('');
    if (!hasGlob(pattern)) return [literal];
    const matches = globPaths(pattern, this.ctx.state.cwd, this.ctx.host);
    return matches.length > 0 ? matches : [literal];
  }
}

export function globPaths(pattern: string, cwd: string, host: ShellHost): string[] {
  const comps = pattern.split('/');
  let paths: string[] = [pattern.startsWith('/') ? '/' : ''];
  for (let i = pattern.startsWith('/') ? 1 : 0; i < comps.length; i++) {
    const comp = comps[i];
    const next: string[] = [];
    if (comp === '') {
      if (i === comps.length - 1) {
        for (const p of paths) if (host.stat(resolvePath(cwd, p || '.'))?.kind === 'directory') next.push(p + '/');
        paths = next;
      }
      continue;
    }
    if (!hasGlob(comp)) {
      for (const p of paths) next.push(joinPath(p, unescapePattern(comp)));
    } else {
      const dotOk = comp.startsWith('.') || comp.startsWith('\\.');
      for (const p of paths) {
        let entries: string[];
        try {
          entries = host.readdir(resolvePath(cwd, p || '.'));
        } catch {
          continue;
        }
        for (const e of entries.sort()) {
          if (e.startsWith('.') && !dotOk) continue;
          if (matchPattern(comp, e)) next.push(joinPath(p, e));
        }
      }
    }
    paths = next;
  }
  return paths.filter((p) => host.lstat(resolvePath(cwd, p)) !== undefined).sort();
}
