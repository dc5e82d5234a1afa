// Shell pattern matching (XCU 2.13) for case, ${x%pat} and globbing.
// A pattern is a string in which a backslash makes the next character
// literal: the expander escapes every quoted character that way, so quoting
// survives until matching.

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f',
  print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f',
};

function escapeRe(ch: string): string {
  return /[\\^$.*+?()[\]{}|\/-]/.test(ch) ? '\\' + ch : ch;
}

/** Translates a pattern to an anchored RegExp source. */
export function patternToRegExpSource(pattern: string): string {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      re += escapeRe(pattern[i] ?? '\\');
    } else if (ch === '*') {
      re += '[\\s\\S]*';
    } else if (ch === '?') {
      re += '[\\s\\S]';
    } else if (ch === '[') {
      const cls = bracket(pattern, i);
      if (cls) {
        re += cls.re;
        i = cls.end;
      } else {
        re += '\\[';
      }
    } else {
      re += escapeRe(ch);
    }
  }
  return re;
}

/** A bracket expression starting at `start`, or undefined when it is not closed (then `[` is literal). */
function bracket(p: string, start: number): { re: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (p[i] === '!' || p[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < p.length; i++) {
    const ch = p[i];
    if (ch === ']' && !first) return { re: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (ch === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      if (close > 0 && CLASSES[p.slice(i + 2, close)]) {
        body += CLASSES[p.slice(i + 2, close)];
        i = close + 1;
        continue;
      }
    }
    if (ch === '\\') {
      i++;
      body += escapeRe(p[i] ?? '\\');
    } else if (ch === '-' && body && p[i + 1] !== ']') {
      body += '-';
    } else {
      body += escapeRe(ch);
    }
  }
  return undefined;
}

const cache = new Map<string, RegExp>();

export function matchPattern(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${patternToRegExpSource(pattern)})$`);
    if (cache.size > 500) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(text);
}

/** True when the pattern has an unescaped glob character. */
export function hasGlob(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

/** Removes the escaping backslashes (quote removal of a pattern used literally). */
export function unescapePattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    if (i < pattern.length) out += pattern[i];
  }
  return out;
}

export function escapePattern(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
}

/** ${x#p} ${x##p} ${x%p} ${x%%p} */
export function trimPattern(value: string, pattern: string, op: '#' | '##' | '%' | '%%'): string {
  if (op === '#' || op === '##') {
    const order = op === '#' ? range(0, value.length) : range(value.length, 0);
    for (const i of order) if (matchPattern(pattern, value.slice(0, i))) return value.slice(i);
  } else {
    const order = op === '%' ? range(value.length, 0) : range(0, value.length);
    for (const i of order) if (matchPattern(pattern, value.slice(i))) return value.slice(0, i);
  }
  return value;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let i = from; i <= to; i++) out.push(i);
  else for (let i = from; i >= to; i--) out.push(i);
  return out;
}
