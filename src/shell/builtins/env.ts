// Builtins about variables, options and aliases:
// export readonly unset set shift local alias unalias.

import { parseSignal, SIGNALS } from '../jobs';
import { isName } from '../lexer';
import { type Builtin, type BuiltinContext, fail, out, shellQuote } from './types';

function splitAssignment(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

async function exportBuiltin(ctx: BuiltinContext): Promise<number> {
  const state = ctx.interp.state;
  const args = ctx.argv.slice(1).filter((a) => a !== '-p');
  if (args.length === 0) {
    let text = '';
    for (const name of [...state.vars.keys()].sort()) {
      const v = state.vars.get(name)!;
      if (v.exported) text += `export ${name}=${shellQuote(v.value)}\n`;
    }
    await out(ctx, text);
    return 0;
  }
  let status = 0;
  for (const arg of args) {
    const [name, value] = splitAssignment(arg);
    if (!isName(name)) {
      status = await fail(ctx, `${name}: bad variable name`);
      continue;
    }
    if (value !== undefined && !state.set(name, value, true)) {
      status = await fail(ctx, `${name}: is read only`);
      continue;
    }
    state.export(name);
  }
  return status;
}

async function readonly(ctx: BuiltinContext): Promise<number> {
  const state = ctx.interp.state;
  const args = ctx.argv.slice(1).filter((a) => a !== '-p');
  if (args.length === 0) {
    let text = '';
    for (const [name, v] of state.vars) if (v.readonly) text += `readonly ${name}=${shellQuote(v.value)}\n`;
    await out(ctx, text);
    return 0;
  }
  for (const arg of args) {
    const [name, value] = splitAssignment(arg);
    if (!isName(name)) return fail(ctx, `${name}: bad variable name`);
    if (value !== undefined && !state.set(name, value)) return fail(ctx, `${name}: is read only`);
    if (!state.vars.has(name)) state.set(name, '');
    state.vars.get(name)!.readonly = true;
  }
  return 0;
}

async function unset(ctx: BuiltinContext): Promise<number> {
  const state = ctx.interp.state;
  let args = ctx.argv.slice(1);
  let functions = false;
  if (args[0] === '-f' || args[0] === '-v') {
    functions = args[0] === '-f';
    args = args.slice(1);
  }
  let status = 0;
  for (const name of args) {
    if (functions) state.functions.delete(name);
    else if (!state.unset(name)) status = await fail(ctx, `${name}: is read only`);
    else if (!state.vars.has(name) && args[0] !== '-v') {
      // POSIX: without -v, a name that is not a variable may be a function.
    }
  }
  return status;
}

const OPTION_LETTERS = { e: 'errexit', u: 'nounset', x: 'xtrace', f: 'noglob' } as const;

async function set(ctx: BuiltinContext): Promise<number> {
  const state = ctx.interp.state;
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    let text = '';
    for (const name of [...state.vars.keys()].sort()) text += `${name}=${shellQuote(state.vars.get(name)!.value)}\n`;
    await out(ctx, text);
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      i++;
      state.positional = args.slice(i);
      return 0;
    }
    if (a === '-' ) {
      i++;
      break;
    }
    if ((a[0] !== '-' && a[0] !== '+') || a.length < 2) break;
    const on = a[0] === '-';
    if (a.slice(1) === 'o') {
      const name = args[++i];
      if (name === undefined) {
        let text = '';
        for (const [k, v] of Object.entries(state.options)) text += `${k.padEnd(15)} ${v ? 'on' : 'off'}\n`;
        await out(ctx, text);
        continue;
      }
      if (!(name in state.options)) return fail(ctx, `${name}: invalid option name`, 2);
      state.options[name as keyof typeof state.options] = on;
      continue;
    }
    for (const letter of a.slice(1)) {
      const opt = OPTION_LETTERS[letter as keyof typeof OPTION_LETTERS];
      if (!opt) return fail(ctx, `-${letter}: invalid option`, 2);
      state.options[opt] = on;
    }
  }
  if (i < args.length) state.positional = args.slice(i);
  return 0;
}

async function shift(ctx: BuiltinContext): Promise<number> {
  const state = ctx.interp.state;
  const n = ctx.argv[1] === undefined ? 1 : Number(ctx.argv[1]);
  if (!Number.isInteger(n) || n < 0) return fail(ctx, `${ctx.argv[1]}: numeric argument required`, 2);
  if (n > state.positional.length) return fail(ctx, `can't shift that many`);
  state.positional = state.positional.slice(n);
  return 0;
}

async function local(ctx: BuiltinContext): Promise<number> {
  const { interp } = ctx;
  if (interp.functionDepth === 0) return fail(ctx, 'not in a function');
  for (const arg of ctx.argv.slice(1)) {
    const [name, value] = splitAssignment(arg);
    if (!isName(name)) return fail(ctx, `${name}: bad variable name`);
    interp.state.declareLocal(name);
    if (value !== undefined) interp.assign(name, value);
    else if (!interp.state.vars.has(name)) interp.state.set(name, '');
  }
  return 0;
}

async function alias(ctx: BuiltinContext): Promise<number> {
  const aliases = ctx.interp.state.aliases;
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    let text = '';
    for (const name of [...aliases.keys()].sort()) text += `alias ${name}='${aliases.get(name)!.replace(/'/g, `'\\''`)}'\n`;
    await out(ctx, text);
    return 0;
  }
  let status = 0;
  for (const arg of args) {
    const [name, value] = splitAssignment(arg);
    if (value !== undefined) {
      aliases.set(name, value);
    } else if (aliases.has(name)) {
      await out(ctx, `alias ${name}='${aliases.get(name)!.replace(/'/g, `'\\''`)}'\n`);
    } else {
      status = await fail(ctx, `${name}: not found`);
    }
  }
  return status;
}

async function unalias(ctx: BuiltinContext): Promise<number> {
  const aliases = ctx.interp.state.aliases;
  let status = 0;
  for (const name of ctx.argv.slice(1)) {
    if (name === '-a') aliases.clear();
    else if (!aliases.delete(name)) status = await fail(ctx, `${name}: not found`);
  }
  return status;
}

function trapName(spec: string): string | undefined {
  if (spec === '0' || spec.toUpperCase() === 'EXIT') return 'EXIT';
  const n = parseSignal(spec);
  return n === undefined ? undefined : SIGNALS[n];
}

async function trap(ctx: BuiltinContext): Promise<number> {
  const traps = ctx.interp.state.traps;
  const args = ctx.argv.slice(1).filter((a, i) => !(i === 0 && a === '--'));
  if (args.length === 0 || args[0] === '-p') {
    let text = '';
    for (const [name, action] of traps) text += `trap -- ${shellQuote(action)} ${name}\n`;
    await out(ctx, text);
    return 0;
  }
  // `trap SIG...` with a first operand that is a signal number resets, like `trap - SIG...`.
  const reset = args[0] === '-' || (args.length === 1 && /^[0-9]+$/.test(args[0]));
  const action = reset ? undefined : args[0];
  const names = args[0] === '-' || !reset ? args.slice(1) : args;
  let status = 0;
  for (const spec of names) {
    const name = trapName(spec);
    if (!name) {
      status = await fail(ctx, `${spec}: bad trap`);
      continue;
    }
    if (action === undefined) traps.delete(name);
    else traps.set(name, action);
  }
  return status;
}

export const ENV_BUILTINS: Record<string, Builtin> = {
  export: { help: 'Mark variables for the environment of commands (export NAME[=value])', run: exportBuiltin },
  readonly: { help: 'Make variables read-only', run: readonly },
  unset: { help: 'Remove variables (unset -f: functions)', run: unset },
  set: { help: 'Set options (-e -u -x -f) or the positional parameters', run: set },
  shift: { help: 'Shift the positional parameters', run: shift },
  local: { help: 'Declare variables local to a function', run: local },
  alias: { help: 'Define or list aliases (alias name=value)', run: alias },
  unalias: { help: 'Remove aliases (unalias -a: all)', run: unalias },
  trap: { help: 'Run a command when the shell exits (trap CMD EXIT); other signals are accepted', run: trap },
};
