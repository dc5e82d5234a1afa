// $((...)) arithmetic: a tokenizer and a precedence-climbing parser that
// evaluates as it parses (C precedence, integer arithmetic, assignment
// operators). Short-circuit operators and ?: parse their unevaluated side
// with evaluation switched off so assignments there have no effect.

import { ShellError } from './errors';

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok = { t: 'num'; v: number } | { t: 'name'; v: string } | { t: 'op'; v: string } | { t: 'end' };

const OPS = ['<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '+', '-', '*', '/', '%', '<', '>', '!', '~', '&', '|', '^', '?', ':', '=', '(', ')', ','];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) { i++; continue; }
    if (/[0-9]/.test(ch)) {
      let j = i;
      while (j < src.length && /[0-9a-zA-Z_#]/.test(src[j])) j++;
      out.push({ t: 'num', v: parseNumber(src.slice(i, j)) });
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      out.push({ t: 'name', v: src.slice(i, j) });
      i = j;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw syntaxError(src);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  out.push({ t: 'end' });
  return out;
}

function parseNumber(text: string): number {
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) n = parseInt(text.slice(2), 16);
  else if (/^0[0-7]+$/.test(text)) n = parseInt(text.slice(1), 8);
  else if (/^[0-9]+$/.test(text)) n = parseInt(text, 10);
  else if (/^[0-9]+#[0-9a-zA-Z]+$/.test(text)) {
    const [base, digits] = text.split('#');
    n = parseInt(digits, Number(base));
  } else n = NaN;
  if (Number.isNaN(n)) throw new ShellError(`arithmetic: invalid number "${text}"`, 2, true);
  return n;
}

function syntaxError(src: string): ShellError {
  return new ShellError(`arithmetic syntax error: "${src.trim()}"`, 2, true);
}

/** Keeps results in the range a 64-bit shell would print for ordinary values. */
function int(n: number): number {
  return Math.trunc(n) || 0;
}

const BINARY: [string[], (a: number, b: number) => number][] = [
  [['||'], (a, b) => (a || b ? 1 : 0)],
  [['&&'], (a, b) => (a && b ? 1 : 0)],
  [['|'], (a, b) => a | b],
  [['^'], (a, b) => a ^ b],
  [['&'], (a, b) => a & b],
  [['==', '!='], () => 0],
  [['<', '<=', '>', '>='], () => 0],
  [['<<', '>>'], () => 0],
  [['+', '-'], () => 0],
  [['*', '/', '%'], () => 0],
];

function apply(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return int(a + b);
    case '-': return int(a - b);
    case '*': return int(a * b);
    case '/': if (b === 0) throw new ShellError('arithmetic: division by zero', 2, true); return int(a / b);
    case '%': if (b === 0) throw new ShellError('arithmetic: division by zero', 2, true); return int(a % b);
    case '**': return int(a ** b);
    case '<<': return a << b;
    case '>>': return a >> b;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&&': return a && b ? 1 : 0;
    case '||': return a || b ? 1 : 0;
  }
  throw new ShellError(`arithmetic: unknown operator ${op}`, 2, true);
}

class ArithParser {
  private i = 0;
  private skip = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[], private readonly vars: ArithVars, private readonly src: string) {}

  run(): number {
    if (this.toks.length === 1) return 0;
    const v = this.comma();
    if (this.peek().t !== 'end') throw syntaxError(this.src);
    return v;
  }

  private peek(): Tok { return this.toks[this.i]; }
  private isOp(v: string): boolean { const t = this.peek(); return t.t === 'op' && t.v === v; }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw syntaxError(this.src);
    this.i++;
  }

  private comma(): number {
    let v = this.assign();
    while (this.isOp(',')) { this.i++; v = this.assign(); }
    return v;
  }

  private assign(): number {
    const t = this.peek();
    const n = this.toks[this.i + 1];
    if (t.t === 'name' && n.t === 'op' && ['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '|=', '^='].includes(n.v)) {
      this.i += 2;
      const rhs = this.assign();
      const value = n.v === '=' ? rhs : apply(n.v.slice(0, -1), this.varValue(t.v), rhs);
      return this.store(t.v, value);
    }
    return this.ternary();
  }

  private ternary(): number {
    const c = this.binary(0);
    if (!this.isOp('?')) return c;
    this.i++;
    if (!c) this.skip++;
    const a = this.assign();
    if (!c) this.skip--;
    this.expectOp(':');
    if (c) this.skip++;
    const b = this.assign();
    if (c) this.skip--;
    return c ? a : b;
  }

  private binary(level: number): number {
    if (level >= BINARY.length) return this.power();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || !BINARY[level][0].includes(t.v)) return left;
      this.i++;
      const shortCircuit = (t.v === '&&' && !left) || (t.v === '||' && !!left);
      if (shortCircuit) this.skip++;
      const right = this.binary(level + 1);
      if (shortCircuit) this.skip--;
      left = this.skip ? 0 : apply(t.v, left, right);
      if (shortCircuit) left = t.v === '||' ? 1 : 0;
    }
  }

  private power(): number {
    const base = this.unary();
    if (this.isOp('**')) {
      this.i++;
      return apply('**', base, this.power());
    }
    return base;
  }

  private unary(): number {
    const t = this.peek();
    if (t.t === 'op') {
      if (t.v === '++' || t.v === '--') {
        this.i++;
        const n = this.peek();
        if (n.t !== 'name') throw syntaxError(this.src);
        this.i++;
        return this.store(n.v, this.varValue(n.v) + (t.v === '++' ? 1 : -1));
      }
      if (t.v === '-' || t.v === '+' || t.v === '!' || t.v === '~') {
        this.i++;
        const v = this.unary();
        return t.v === '-' ? int(-v) : t.v === '+' ? v : t.v === '!' ? (v ? 0 : 1) : ~v;
      }
    }
    return this.postfix();
  }

  private postfix(): number {
    const t = this.peek();
    if (t.t === 'num') { this.i++; return t.v; }
    if (t.t === 'name') {
      this.i++;
      const v = this.varValue(t.v);
      if (this.isOp('++') || this.isOp('--')) {
        const op = (this.peek() as { v: string }).v;
        this.i++;
        this.store(t.v, v + (op === '++' ? 1 : -1));
      }
      return v;
    }
    if (t.t === 'op' && t.v === '(') {
      this.i++;
      const v = this.comma();
      this.expectOp(')');
      return v;
    }
    throw syntaxError(this.src);
  }

  private store(name: string, value: number): number {
    if (!this.skip) this.vars.set(name, String(value));
    return value;
  }

  /** A variable's value is itself an expression (bash and dash agree for plain numbers). */
  private varValue(name: string): number {
    const raw = this.vars.get(name);
    if (raw === undefined || raw.trim() === '') return 0;
    if (/^\s*-?[0-9]+\s*$/.test(raw)) return parseInt(raw, 10);
    if (this.depth > 32) throw new ShellError(`arithmetic: expression recursion level exceeded`, 2, true);
    this.depth++;
    try {
      return new ArithParser(tokenize(raw), this.vars, raw).run();
    } finally {
      this.depth--;
    }
  }
}

/** Evaluates an (already expanded) arithmetic expression. */
export function evaluateArithmetic(expr: string, vars: ArithVars): number {
  return new ArithParser(tokenize(expr), vars, expr).run();
}
