// test and [ : a recursive-descent evaluator over the argument list
// (! -a -o and parentheses), with POSIX's argument-count rules first so
// that `test -n` and `[ "$x" = -o ]` mean what POSIX says.

import { resolvePath } from '../paths';
import { type Builtin, type BuiltinContext, fail } from './types';

class TestError extends Error {}

const UNARY = new Set(['-e', '-f', '-d', '-r', '-w', '-x', '-s', '-L', '-h', '-z', '-n', '-t', '-b', '-c', '-p', '-S', '-g', '-u', '-k', '-O', '-G']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

class TestEvaluator {
  private i = 0;
  constructor(private readonly args: string[], private readonly ctx: BuiltinContext) {}

  run(): boolean {
    const a = this.args;
    switch (a.length) {
      case 0: return false;
      case 1: return a[0] !== '';
      case 2:
        if (a[0] === '!') return a[1] === '';
        if (UNARY.has(a[0])) return this.unary(a[0], a[1]);
        throw new TestError(`${a[0]}: unary operator expected`);
      case 3:
        if (BINARY.has(a[1])) return this.binary(a[0], a[1], a[2]);
        if (a[0] === '!') return !new TestEvaluator(a.slice(1), this.ctx).run();
        if (a[0] === '(' && a[2] === ')') return a[1] !== '';
        break;
      case 4:
        if (a[0] === '!') return !new TestEvaluator(a.slice(1), this.ctx).run();
        if (a[0] === '(' && a[3] === ')') return new TestEvaluator(a.slice(1, 3), this.ctx).run();
        break;
    }
    const v = this.or();
    if (this.i < a.length) throw new TestError(`${a[this.i]}: unexpected operator`);
    return v;
  }

  private peek(): string | undefined { return this.args[this.i]; }

  private or(): boolean {
    let v = this.and();
    while (this.peek() === '-o') { this.i++; const r = this.and(); v = v || r; }
    return v;
  }

  private and(): boolean {
    let v = this.not();
    while (this.peek() === '-a') { this.i++; const r = this.not(); v = v && r; }
    return v;
  }

  private not(): boolean {
    if (this.peek() === '!') { this.i++; return !this.not(); }
    return this.primary();
  }

  private primary(): boolean {
    const a = this.args;
    const t = a[this.i];
    if (t === undefined) throw new TestError('argument expected');
    if (t === '(') {
      this.i++;
      const v = this.or();
      if (a[this.i] !== ')') throw new TestError(`missing )`);
      this.i++;
      return v;
    }
    if (BINARY.has(a[this.i + 1] ?? '') && this.i + 2 < a.length) {
      this.i += 3;
      return this.binary(t, a[this.i - 2], a[this.i - 1]);
    }
    if (UNARY.has(t) && this.i + 1 < a.length) {
      this.i += 2;
      return this.unary(t, a[this.i - 1]);
    }
    this.i++;
    return t !== '';
  }

  private unary(op: string, arg: string): boolean {
    if (op === '-z') return arg === '';
    if (op === '-n') return arg !== '';
    const host = this.ctx.interp.host;
    if (op === '-t') return this.ctx.io.get(Number(arg))?.isTerminal ?? false;
    const path = resolvePath(this.ctx.interp.state.cwd, arg);
    if (arg === '') return false;
    if (op === '-L' || op === '-h') return host.lstat(path)?.kind === 'symlink';
    const st = host.stat(path);
    if (!st) return false;
    switch (op) {
      case '-e': return true;
      case '-f': return st.kind === 'file';
      case '-d': return st.kind === 'directory';
      case '-s': return st.size > 0;
      // The container runs everything as root: like Linux, root may read and write anything, and
      // execute anything with at least one execute bit (or a directory).
      case '-r': case '-w': return true;
      case '-x': return st.kind === 'directory' || (st.mode & 0o111) !== 0;
      case '-u': return (st.mode & 0o4000) !== 0;
      case '-g': return (st.mode & 0o2000) !== 0;
      case '-k': return (st.mode & 0o1000) !== 0;
      case '-O': case '-G': return true;
      default: return false;
    }
  }

  private binary(a: string, op: string, b: string): boolean {
    switch (op) {
      case '=': case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '>': return a > b;
      case '-nt': case '-ot': case '-ef': {
        const host = this.ctx.interp.host;
        const cwd = this.ctx.interp.state.cwd;
        const sa = host.stat(resolvePath(cwd, a));
        const sb = host.stat(resolvePath(cwd, b));
        if (op === '-ef') return !!sa && !!sb && resolvePath(cwd, a) === resolvePath(cwd, b);
        if (op === '-nt') return !!sa && (!sb || sa.mtimeMs > sb.mtimeMs);
        return !!sb && (!sa || sa.mtimeMs < sb.mtimeMs);
      }
    }
    const x = this.int(a);
    const y = this.int(b);
    switch (op) {
      case '-eq': return x === y;
      case '-ne': return x !== y;
      case '-lt': return x < y;
      case '-le': return x <= y;
      case '-gt': return x > y;
      default: return x >= y;
    }
  }

  private int(s: string): number {
    if (!/^\s*[+-]?[0-9]+\s*$/.test(s)) throw new TestError(`${s}: integer expression expected`);
    return parseInt(s, 10);
  }
}

async function test(ctx: BuiltinContext): Promise<number> {
  let args = ctx.argv.slice(1);
  if (ctx.argv[0] === '[') {
    if (args[args.length - 1] !== ']') return fail(ctx, 'missing ]', 2);
    args = args.slice(0, -1);
  }
  try {
    return new TestEvaluator(args, ctx).run() ? 0 : 1;
  } catch (e) {
    if (e instanceof TestError) return fail(ctx, e.message, 2);
    throw e;
  }
}

export const TEST_BUILTINS: Record<string, Builtin> = {
  test: { help: 'Evaluate a condition (files -e -f -d, strings = !=, integers -eq -lt ...)', run: test },
  '[': { help: 'Evaluate a condition, like test; the last argument must be ]', run: test },
};
