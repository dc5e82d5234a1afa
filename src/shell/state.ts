// The interpreter's mutable state: variables, functions, aliases,
// positional parameters, options and cwd. Subshells and pipeline stages get
// a deep copy (fork) so their changes never leak back into the parent.

import type { FunctionDef } from './ast';

export interface Var {
  value: string;
  exported: boolean;
  readonly: boolean;
}

export interface ShellOptions {
  errexit: boolean;
  xtrace: boolean;
  nounset: boolean;
  noglob: boolean;
}

export class ShellState {
  vars = new Map<string, Var>();
  functions = new Map<string, FunctionDef>();
  aliases = new Map<string, string>();
  positional: string[] = [];
  arg0 = 'sh';
  cwd = '/';
  options: ShellOptions = { errexit: false, xtrace: false, nounset: false, noglob: false };
  status = 0;
  umask = 0o022;
  /** trap actions by signal name (EXIT, INT, ...); only EXIT is run, by the Shell when it ends. */
  traps = new Map<string, string>();
  lastBgPid: number | undefined;
  /** One frame per running function: the previous values of its `local` variables. */
  localFrames: Map<string, Var | undefined>[] = [];

  fork(): ShellState {
    const s = new ShellState();
    for (const [k, v] of this.vars) s.vars.set(k, { ...v });
    s.functions = new Map(this.functions);
    s.aliases = new Map(this.aliases);
    s.positional = [...this.positional];
    s.arg0 = this.arg0;
    s.cwd = this.cwd;
    s.options = { ...this.options };
    s.status = this.status;
    s.umask = this.umask;
    s.lastBgPid = this.lastBgPid;
    s.localFrames = this.localFrames.map((f) => new Map(f));
    for (const n of this.pendingExports) s.pendingExports.add(n);
    return s;
  }

  get(name: string): string | undefined {
    return this.vars.get(name)?.value;
  }

  /** Returns false when the variable is read-only. */
  set(name: string, value: string, exported?: boolean): boolean {
    const v = this.vars.get(name);
    if (v) {
      if (v.readonly) return false;
      v.value = value;
      if (exported) v.exported = true;
    } else {
      this.vars.set(name, { value, exported: exported ?? this.pendingExports.has(name), readonly: false });
    }
    return true;
  }

  unset(name: string): boolean {
    const v = this.vars.get(name);
    if (v?.readonly) return false;
    this.vars.delete(name);
    return true;
  }

  /** Marks a name exported; an unset name becomes exported once it gets a value. */
  export(name: string): void {
    const v = this.vars.get(name);
    if (v) v.exported = true;
    else this.pendingExports.add(name);
  }

  readonly pendingExports = new Set<string>();

  env(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.vars) if (v.exported) out[k] = v.value;
    return out;
  }

  /** `local name`: remember the outer value so the function's return restores it. */
  declareLocal(name: string): void {
    const frame = this.localFrames[this.localFrames.length - 1];
    if (!frame || frame.has(name)) return;
    const v = this.vars.get(name);
    frame.set(name, v ? { ...v } : undefined);
  }

  popLocals(): void {
    const frame = this.localFrames.pop();
    if (!frame) return;
    for (const [name, v] of frame) {
      if (v) this.vars.set(name, v);
      else this.vars.delete(name);
    }
  }
}
