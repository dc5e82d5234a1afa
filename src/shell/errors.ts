// Errors and control-flow signals shared by the parser and the interpreter.

/** A syntax error; `incomplete` means more input could complete it (interactive PS2 continuation). */
export class ShellSyntaxError extends Error {
  override readonly name = 'ShellSyntaxError';
  constructor(message: string, readonly incomplete = false) {
    super(message);
  }
}

/** An error the interpreter reports as `sh: <message>` and turns into a status. */
export class ShellError extends Error {
  override readonly name = 'ShellError';
  constructor(message: string, readonly status = 1, /** fatal errors end a non-interactive shell (POSIX: expansion errors). */ readonly fatal = false) {
    super(message);
  }
}

// Control flow is unwound with exceptions: break/continue/return/exit can
// happen arbitrarily deep inside async command execution.
export class BreakSignal { constructor(public levels: number, readonly isContinue: boolean) {} }
export class ReturnSignal { constructor(readonly status: number) {} }
export class ExitSignal { constructor(readonly status: number) {} }
/** Ctrl-C while the shell itself was in the foreground. */
export class InterruptSignal {}
/** A builtin wrote to a pipe nobody reads any more: ends the pipeline stage like SIGPIPE would. */
export class BrokenPipeSignal {}
