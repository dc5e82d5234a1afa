// echo, printf and read.

import { lineReader, writeText } from '../io';
import { isName } from '../lexer';
import { type Builtin, type BuiltinContext, fail, out } from './types';

/** Backslash escapes of echo -e / printf %b / printf formats; `stop` is set by \c. */
function unescape(s: string, octalNeedsZero: boolean): { text: string; stop: boolean } {
  let text = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '\\' || i + 1 >= s.length) {
      text += ch;
      continue;
    }
    const n = s[++i];
    switch (n) {
      case 'n': text += '\n'; break;
      case 't': text += '\t'; break;
      case 'r': text += '\r'; break;
      case 'a': text += '\x07'; break;
      case 'b': text += '\b'; break;
      case 'f': text += '\f'; break;
      case 'v': text += '\v'; break;
      case 'e': case 'E': text += '\x1b'; break;
      case '\\': text += '\\'; break;
      case 'c': return { text, stop: true };
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
        if (m) { text += String.fromCharCode(parseInt(m[0], 16)); i += m[0].length; } else text += '\\x';
        break;
      }
      default:
        if (n >= '0' && n <= '7' && (n === '0' || !octalNeedsZero)) {
          const digits = /^[0-7]{1,3}/.exec(s.slice(n === '0' && octalNeedsZero ? i + 1 : i))?.[0] ?? '';
          const skip = n === '0' && octalNeedsZero ? digits.length : digits.length - 1;
          text += String.fromCharCode(parseInt(digits || '0', 8));
          i += skip;
        } else {
          text += '\\' + n;
        }
    }
  }
  return { text, stop: false };
}

async function echo(ctx: BuiltinContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length > 0 && /^-[neE]+$/.test(args[0])) {
    for (const f of args[0].slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
    args.shift();
  }
  let text = args.join(' ');
  if (escapes) {
    const r = unescape(text, true);
    text = r.text;
    if (r.stop) newline = false;
  }
  await out(ctx, newline ? text + '\n' : text);
  return 0;
}

function toNumber(arg: string | undefined, bad: string[]): number {
  if (arg === undefined || arg === '') return 0;
  if (/^['"]/.test(arg)) return arg.length > 1 ? arg.codePointAt(1)! : 0;
  const t = arg.trim();
  let n: number;
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) n = parseInt(t, 16);
  else if (/^[+-]?0[0-7]+$/.test(t)) n = parseInt(t, 8);
  else if (/^[+-]?[0-9]+$/.test(t)) n = parseInt(t, 10);
  else if (/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(t)) n = parseFloat(t);
  else {
    bad.push(arg);
    n = parseFloat(t) || 0;
  }
  return n;
}

function pad(s: string, flags: string, width: number | undefined): string {
  if (width === undefined || s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (flags.includes('0') && /^[+-]?[0-9.]/.test(s)) {
    const sign = /^[+-]/.test(s) ? s[0] : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width);
}

/** One pass of the format over the arguments; returns how many it used. */
function formatOnce(fmt: string, args: string[], bad: string[]): { text: string; used: number; stop: boolean } {
  let text = '';
  let used = 0;
  const next = (): string | undefined => (used < args.length ? args[used++] : undefined);
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch === '\\') {
      const m = /^\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/s.exec(fmt.slice(i))!;
      const r = unescape(/^[0-7]/.test(m[1]) ? '\\0' + m[1] : m[0], true);
      if (r.stop) return { text, used, stop: true };
      text += r.text;
      i += m[0].length - 1;
      continue;
    }
    if (ch !== '%') {
      text += ch;
      continue;
    }
    const m = /^%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?([a-zA-Z%])/.exec(fmt.slice(i));
    if (!m) {
      text += ch;
      continue;
    }
    i += m[0].length - 1;
    const [, flags, w, p, conv] = m;
    if (conv === '%') {
      text += '%';
      continue;
    }
    const width = w === '*' ? toNumber(next(), bad) : w ? Number(w) : undefined;
    const prec = p === '*' ? toNumber(next(), bad) : p !== undefined ? Number(p || '0') : undefined;
    const arg = next();
    switch (conv) {
      case 's': {
        const s = arg ?? '';
        text += pad(prec !== undefined ? s.slice(0, prec) : s, flags, width);
        break;
      }
      case 'b': {
        const r = unescape(arg ?? '', true);
        text += pad(r.text, flags, width);
        if (r.stop) return { text, used, stop: true };
        break;
      }
      case 'c':
        text += pad((arg ?? '').slice(0, 1), flags, width);
        break;
      case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': {
        const n = Math.trunc(toNumber(arg, bad));
        let s = conv === 'o' ? Math.abs(n).toString(8) : conv === 'x' ? Math.abs(n).toString(16) : conv === 'X' ? Math.abs(n).toString(16).toUpperCase() : String(Math.abs(n));
        if (prec !== undefined) s = s.padStart(prec, '0');
        if (flags.includes('#') && n !== 0) s = conv === 'o' ? '0' + s : conv === 'x' ? '0x' + s : conv === 'X' ? '0X' + s : s;
        const sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        text += pad(sign + s, prec !== undefined ? flags.replace('0', '') : flags, width);
        break;
      }
      case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': {
        const n = toNumber(arg, bad);
        const pr = prec ?? 6;
        let s: string;
        if (conv === 'f' || conv === 'F') s = n.toFixed(pr);
        else if (conv === 'e' || conv === 'E') s = n.toExponential(pr).replace(/e([+-])(\d)$/, 'e$10$2');
        else s = String(Number(n.toPrecision(pr || 1)));
        if (conv === 'E' || conv === 'G') s = s.toUpperCase();
        if (n >= 0 && flags.includes('+')) s = '+' + s;
        text += pad(s, flags, width);
        break;
      }
      default:
        text += m[0];
    }
  }
  return { text, used, stop: false };
}

async function printf(ctx: BuiltinContext): Promise<number> {
  const args = ctx.argv.slice(1);
  if (args[0] === '--') args.shift();
  const fmt = args.shift();
  if (fmt === undefined) return fail(ctx, 'usage: printf format [arguments]', 2);
  const bad: string[] = [];
  let text = '';
  // POSIX: the format is reused until the arguments are used up.
  let rest = args;
  for (;;) {
    const r = formatOnce(fmt, rest, bad);
    text += r.text;
    rest = rest.slice(r.used);
    if (r.stop || r.used === 0 || rest.length === 0) break;
  }
  await out(ctx, text);
  for (const b of bad) await fail(ctx, `${b}: invalid number`);
  return bad.length > 0 ? 1 : 0;
}

async function read(ctx: BuiltinContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let raw = false;
  let prompt: string | undefined;
  while (args.length > 0 && args[0].startsWith('-') && args[0].length > 1) {
    const a = args.shift()!;
    if (a === '--') break;
    for (let j = 1; j < a.length; j++) {
      const f = a[j];
      if (f === 'r') raw = true;
      else if (f === 's') continue;
      else if (f === 'p') {
        prompt = a.slice(j + 1) || args.shift();
        break;
      } else return fail(ctx, `-${f}: invalid option`, 2);
    }
  }
  const names = args.length > 0 ? args : ['REPLY'];
  for (const n of names) if (!isName(n)) return fail(ctx, `${n}: bad variable name`, 2);
  if (prompt !== undefined) await writeText(ctx.io.stderr, prompt);
  const reader = lineReader(ctx.io.stdin);
  let line = '';
  let gotNewline = false;
  let sawInput = false;
  for (;;) {
    // Ctrl-C while `read` waits at the terminal abandons it (the pending read is kept for the next reader).
    const r = await ctx.interp.shared.interruptible(reader.readLine());
    if (r === null) break;
    sawInput = true;
    gotNewline = r.newline;
    if (!raw && r.newline && /(^|[^\\])(\\\\)*\\$/.test(r.line)) {
      // A trailing backslash continues the line.
      line += r.line.slice(0, -1);
      continue;
    }
    line += r.line;
    break;
  }
  const ifs = ctx.interp.state.get('IFS') ?? ' \t\n';
  const fields = splitForRead(line, ifs, names.length, raw);
  names.forEach((n, i) => ctx.interp.assign(n, fields[i] ?? ''));
  return sawInput && gotNewline ? 0 : 1;
}

/** Splits a read line: the last variable gets the rest of the line; backslashes escape unless -r. */
function splitForRead(line: string, ifs: string, count: number, raw: boolean): string[] {
  const isWs = (c: string): boolean => ifs.includes(c) && (c === ' ' || c === '\t' || c === '\n');
  const isSep = (c: string): boolean => ifs.includes(c);
  // Mark escaped characters so they are never separators.
  const chars: { c: string; esc: boolean }[] = [];
  for (let i = 0; i < line.length; i++) {
    if (!raw && line[i] === '\\' && i + 1 < line.length) chars.push({ c: line[++i], esc: true });
    else if (!raw && line[i] === '\\') continue;
    else chars.push({ c: line[i], esc: false });
  }
  let i = 0;
  while (i < chars.length && !chars[i].esc && isWs(chars[i].c)) i++;
  const out: string[] = [];
  while (i < chars.length && out.length < count - 1) {
    let f = '';
    while (i < chars.length && (chars[i].esc || !isSep(chars[i].c))) f += chars[i++].c;
    out.push(f);
    while (i < chars.length && !chars[i].esc && isWs(chars[i].c)) i++;
    if (i < chars.length && !chars[i].esc && isSep(chars[i].c)) {
      i++;
      while (i < chars.length && !chars[i].esc && isWs(chars[i].c)) i++;
    }
  }
  if (i < chars.length) {
    let end = chars.length;
    while (end > i && !chars[end - 1].esc && isWs(chars[end - 1].c)) end--;
    out.push(chars.slice(i, end).map((c) => c.c).join(''));
  }
  return out;
}

export const IO_BUILTINS: Record<string, Builtin> = {
  echo: { help: 'Write arguments to standard output (-n: no newline, -e: escapes)', run: echo },
  printf: { help: 'Format and print arguments (printf FORMAT [ARG]...)', run: printf },
  read: { help: 'Read a line into variables (read [-r] [-p prompt] [NAME]...)', run: read },
};
