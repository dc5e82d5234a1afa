// Builtins about control flow, the working directory and commands:
// : true false cd pwd exit return break continue eval exec source . umask
// type which command help clear history.

import { BreakSignal, ExitSignal, ReturnSignal } from '../errors';
import { ShellHostError } from '../host';
import { decode } from '../io';
import { resolvePath } from '../paths';
import { type Builtin, type BuiltinContext, fail, out } from './types';
import { BUILTINS } from './index';

const RESERVED = ['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', '{', '}', '!', 'function'];

function parseCount(ctx: BuiltinContext, arg: string | undefined, fallback: number): number | undefined {
  if (arg === undefined) return fallback;
  if (!/^-?[0-9]+$/.test(arg)) return undefined;
  return Number(arg);
}

async function cd(ctx: BuiltinContext): Promise<number> {
  const { interp } = ctx;
  const state = interp.state;
  const args = ctx.argv.slice(1).filter((a, i) => !(i === 0 && (a === '-L' || a === '-P')));
  if (args.length > 1) return fail(ctx, 'too many arguments');
  let target: string | undefined = args[0];
  let print = false;
  if (target === undefined || target === '') {
    target = state.get('HOME');
    if (target === undefined) return fail(ctx, 'HOME not set');
  } else if (target === '-') {
    target = state.get('OLDPWD');
    if (target === undefined) return fail(ctx, 'OLDPWD not set');
    print = true;
  }
  target = target as string;
  let path = resolvePath(state.cwd, target);
  const cdpath = state.get('CDPATH');
  if (cdpath && !target.startsWith('/') && !target.startsWith('.')) {
    for (const dir of cdpath.split(':')) {
      const candidate = resolvePath(state.cwd, `${dir || '.'}/${target}`);
      if (interp.host.stat(candidate)?.kind === 'directory') {
        path = candidate;
        print = dir !== '' && dir !== '.';
        break;
      }
    }
  }
  const st = interp.host.stat(path);
  if (!st) return fail(ctx, `${target}: No such file or directory`);
  if (st.kind !== 'directory') return fail(ctx, `${target}: Not a directory`);
  state.set('OLDPWD', state.cwd);
  state.set('PWD', path);
  state.cwd = path;
  if (print) await out(ctx, path + '\n');
  return 0;
}

async function exitBuiltin(ctx: BuiltinContext): Promise<number> {
  const n = parseCount(ctx, ctx.argv[1], ctx.interp.state.status);
  if (n === undefined) {
    await fail(ctx, `Illegal number: ${ctx.argv[1]}`, 2);
    throw new ExitSignal(2);
  }
  throw new ExitSignal(n & 255);
}

async function returnBuiltin(ctx: BuiltinContext): Promise<number> {
  const n = parseCount(ctx, ctx.argv[1], ctx.interp.state.status);
  if (n === undefined) return fail(ctx, `Illegal number: ${ctx.argv[1]}`, 2);
  if (ctx.interp.functionDepth === 0 && ctx.interp.sourceDepth === 0) return fail(ctx, 'can only return from a function or sourced script');
  throw new ReturnSignal(n & 255);
}

function loopControl(isContinue: boolean): Builtin {
  return {
    help: isContinue ? 'Resume the next iteration of the enclosing loop' : 'Exit from the enclosing loop',
    async run(ctx) {
      const n = parseCount(ctx, ctx.argv[1], 1);
      if (n === undefined || n < 1) return fail(ctx, `Illegal number: ${ctx.argv[1]}`, 2);
      if (ctx.interp.loopDepth === 0) return 0;
      throw new BreakSignal(Math.min(n, ctx.interp.loopDepth), isContinue);
    },
  };
}

async function source(ctx: BuiltinContext): Promise<number> {
  const { interp } = ctx;
  const name = ctx.argv[1];
  if (name === undefined) return fail(ctx, 'filename argument required', 2);
  let path: string | undefined;
  if (name.includes('/')) {
    path = resolvePath(interp.state.cwd, name);
  } else {
    for (const dir of (interp.state.get('PATH') ?? '').split(':')) {
      const p = resolvePath(interp.state.cwd, `${dir || '.'}/${name}`);
      if (interp.host.stat(p)?.kind === 'file') { path = p; break; }
    }
    path ??= resolvePath(interp.state.cwd, name);
  }
  let text: string;
  try {
    text = decode(interp.host.readFile(path));
  } catch (e) {
    if (e instanceof ShellHostError) return fail(ctx, `${name}: ${e.message}`);
    throw e;
  }
  const savedPositional = interp.state.positional;
  if (ctx.argv.length > 2) interp.state.positional = ctx.argv.slice(2);
  interp.sourceDepth++;
  try {
    return await interp.runSource(text, ctx.io);
  } catch (e) {
    if (e instanceof ReturnSignal) return e.status;
    throw e;
  } finally {
    interp.sourceDepth--;
    if (ctx.argv.length > 2) interp.state.positional = savedPositional;
  }
}

/** What a name would run, as `type` describes it; undefined when nothing. */
export function describeCommand(ctx: BuiltinContext, name: string): { kind: 'alias' | 'keyword' | 'function' | 'builtin' | 'file'; detail: string } | undefined {
  const { interp } = ctx;
  const alias = interp.state.aliases.get(name);
  if (alias !== undefined) return { kind: 'alias', detail: alias };
  if (RESERVED.includes(name)) return { kind: 'keyword', detail: '' };
  if (interp.state.functions.has(name)) return { kind: 'function', detail: interp.state.functions.get(name)!.text };
  if (BUILTINS.has(name)) return { kind: 'builtin', detail: '' };
  const path = interp.launcher.find(name);
  if (path && interp.host.stat(path)?.kind === 'file') return { kind: 'file', detail: path };
  return undefined;
}

async function type(ctx: BuiltinContext): Promise<number> {
  let status = 0;
  for (const name of ctx.argv.slice(1)) {
    const d = describeCommand(ctx, name);
    if (!d) {
      status = await fail(ctx, `${name}: not found`);
      continue;
    }
    const text = {
      alias: `${name} is an alias for ${d.detail}`,
      keyword: `${name} is a shell keyword`,
      function: `${name} is a function`,
      builtin: `${name} is a shell builtin`,
      file: `${name} is ${d.detail}`,
    }[d.kind];
    await out(ctx, text + '\n');
  }
  return status;
}

async function which(ctx: BuiltinContext): Promise<number> {
  let status = 0;
  for (const name of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
    const d = describeCommand(ctx, name);
    if (!d || d.kind === 'keyword') {
      status = 1;
      continue;
    }
    const text = {
      alias: `${name}: aliased to ${d.detail}`,
      keyword: '',
      function: `${name}: shell function`,
      builtin: `${name}: shell builtin`,
      file: d.detail,
    }[d.kind];
    await out(ctx, text + '\n');
  }
  return status;
}

async function command(ctx: BuiltinContext): Promise<number> {
  let args = ctx.argv.slice(1);
  let mode: '' | '-v' | '-V' = '';
  while (args[0] === '-v' || args[0] === '-V' || args[0] === '-p') {
    if (args[0] !== '-p') mode = args[0] as '-v' | '-V';
    args = args.slice(1);
  }
  if (args.length === 0) return 0;
  if (mode === '-V') return type({ ...ctx, argv: ['type', ...args] });
  if (mode === '-v') {
    let status = 0;
    for (const name of args) {
      const d = describeCommand(ctx, name);
      if (!d) status = 1;
      else await out(ctx, (d.kind === 'file' ? d.detail : d.kind === 'alias' ? `alias ${name}='${d.detail}'` : name) + '\n');
    }
    return status;
  }
  return ctx.interp.runCommand(args, [], ctx.io, true);
}

async function history(ctx: BuiltinContext): Promise<number> {
  const h = ctx.interp.shared.history;
  if (ctx.argv[1] === '-c') {
    h.length = 0;
    return 0;
  }
  let start = 0;
  if (ctx.argv[1] !== undefined) {
    const n = parseCount(ctx, ctx.argv[1], 0);
    if (n === undefined || n < 0) return fail(ctx, `${ctx.argv[1]}: numeric argument required`, 2);
    start = Math.max(0, h.length - n);
  }
  let text = '';
  for (let i = start; i < h.length; i++) text += `${String(i + 1).padStart(5)}  ${h[i]}\n`;
  await out(ctx, text);
  return 0;
}

async function help(ctx: BuiltinContext): Promise<number> {
  const names = ctx.argv.length > 1 ? ctx.argv.slice(1) : [...BUILTINS.keys()].sort();
  let status = 0;
  let text = ctx.argv.length > 1 ? '' : 'Flotilla sh, a POSIX-style shell. Builtin commands:\n\n';
  for (const name of names) {
    const b = BUILTINS.get(name);
    if (!b) {
      status = await fail(ctx, `no help topics match "${name}"`);
      continue;
    }
    text += `  ${name.padEnd(10)} ${b.help}\n`;
  }
  await out(ctx, text);
  return status;
}

async function umask(ctx: BuiltinContext): Promise<number> {
  const arg = ctx.argv[1];
  if (arg === undefined) {
    await out(ctx, ctx.interp.state.umask.toString(8).padStart(4, '0') + '\n');
    return 0;
  }
  if (!/^[0-7]{1,4}$/.test(arg)) return fail(ctx, `${arg}: invalid mode`);
  // Accepted and remembered; the host has no per-process umask to apply it to.
  ctx.interp.state.umask = parseInt(arg, 8);
  return 0;
}

async function evalBuiltin(ctx: BuiltinContext): Promise<number> {
  const text = ctx.argv.slice(1).join(' ');
  return text.trim() ? ctx.interp.runSource(text, ctx.io) : 0;
}

async function exec(ctx: BuiltinContext): Promise<number> {
  // `exec` with only redirections is handled by the interpreter (they stay applied to the shell).
  if (ctx.argv.length < 2) return 0;
  const status = await ctx.interp.runCommand(ctx.argv.slice(1), [], ctx.io, true);
  throw new ExitSignal(status);
}

export const CORE_BUILTINS: Record<string, Builtin> = {
  ':': { help: 'Do nothing, successfully', run: async () => 0 },
  true: { help: 'Return a successful status', run: async () => 0 },
  false: { help: 'Return an unsuccessful status', run: async () => 1 },
  cd: { help: 'Change the working directory (cd [dir|-])', run: cd },
  pwd: { help: 'Print the working directory', run: async (ctx) => { await out(ctx, ctx.interp.state.cwd + '\n'); return 0; } },
  exit: { help: 'Exit the shell with a status', run: exitBuiltin },
  return: { help: 'Return from a function or sourced script', run: returnBuiltin },
  break: loopControl(false),
  continue: loopControl(true),
  eval: { help: 'Run the arguments as a shell command', run: evalBuiltin },
  exec: { help: 'Replace the shell with a command, or apply redirections to the shell', run: exec },
  source: { help: 'Run a file in the current shell (also ".")', run: source },
  '.': { help: 'Run a file in the current shell', run: source },
  umask: { help: 'Show or set the file creation mask', run: umask },
  type: { help: 'Describe how a name would be run', run: type },
  which: { help: 'Show which program a command name runs', run: which },
  command: { help: 'Run a command bypassing functions (command -v: describe)', run: command },
  help: { help: 'List the builtin commands', run: help },
  clear: { help: 'Clear the terminal screen', run: async (ctx) => { await out(ctx, '\x1b[H\x1b[2J\x1b[3J'); return 0; } },
  history: { help: 'List the commands typed so far (history -c clears)', run: history },
};
