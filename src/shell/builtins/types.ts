// What every builtin gets and returns.

import type { Io } from '../io';
import { writeText } from '../io';
import type { Interp } from '../interp';

export interface BuiltinContext {
  readonly interp: Interp;
  /** The descriptor table after the command's redirections. */
  readonly io: Io;
  readonly argv: string[];
}

export interface Builtin {
  /** One line for `help`. */
  readonly help: string;
  run(ctx: BuiltinContext): Promise<number>;
}

export function out(ctx: BuiltinContext, text: string): Promise<void> {
  return writeText(ctx.io.stdout, text);
}

/** `sh: name: message` on stderr; returns `status` for `return fail(...)`. */
export async function fail(ctx: BuiltinContext, message: string, status = 1): Promise<number> {
  await ctx.interp.error(ctx.io, `${ctx.argv[0]}: ${message}`);
  return status;
}

/** Single-quotes a value for re-input (export -p, alias, set). */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_\/.,:@%+=-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
