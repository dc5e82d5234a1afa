// Typed AST of the POSIX Shell Command Language subset Flotilla's shell
// understands. The lexer produces Words (already split into quoting/expansion
// parts, because quoting decides what expands later); the parser builds the
// command tree around them.

/** One piece of a word, kept separate because quoting changes how it expands. */
export type WordPart =
  /** Literal text; `quoted` when it came from '…', "…" or a backslash (no splitting, no globbing). */
  | { readonly type: 'lit'; readonly text: string; readonly quoted: boolean }
  /** "…": its parts expand but are never split or globbed. */
  | { readonly type: 'dq'; readonly parts: readonly WordPart[] }
  /** $name, ${name}, ${name op arg}. */
  | { readonly type: 'param'; readonly name: string; readonly op?: ParamOp; readonly arg?: Word }
  /** ${#name} */
  | { readonly type: 'length'; readonly name: string }
  /** $(…) or `…` */
  | { readonly type: 'cmdsub'; readonly body: List }
  /** $((…)): the expression text itself undergoes expansion first. */
  | { readonly type: 'arith'; readonly expr: Word };

export type ParamOp = ':-' | '-' | ':=' | '=' | ':?' | '?' | ':+' | '+' | '%' | '%%' | '#' | '##';

export interface Word {
  readonly parts: readonly WordPart[];
  /** The source text, for reserved words, aliases, here-doc delimiters and job names. */
  readonly raw: string;
}

export type RedirectOp = '<' | '>' | '>>' | '>|' | '<>' | '<&' | '>&' | '&>' | '&>>';

export type Redirect =
  | { readonly type: 'file'; readonly fd?: number; readonly op: RedirectOp; readonly target: Word }
  | { readonly type: 'heredoc'; readonly fd?: number; readonly doc: HereDoc };

export interface HereDoc {
  readonly delimiter: string;
  /** <<- strips leading tabs. */
  readonly strip: boolean;
  /** A quoted delimiter means the body is taken literally. */
  readonly quoted: boolean;
  /** Filled in by the lexer when it reaches the end of the line holding the operator. */
  body: Word;
}

export interface Assignment {
  readonly name: string;
  readonly value: Word;
}

export interface SimpleCommand {
  readonly type: 'simple';
  readonly assigns: readonly Assignment[];
  readonly words: readonly Word[];
  readonly redirects: readonly Redirect[];
}

export interface BraceGroup { readonly type: 'brace'; readonly body: List; readonly redirects: readonly Redirect[] }
export interface Subshell { readonly type: 'subshell'; readonly body: List; readonly redirects: readonly Redirect[] }
export interface IfCommand {
  readonly type: 'if';
  readonly clauses: readonly { readonly cond: List; readonly body: List }[];
  readonly elseBody?: List;
  readonly redirects: readonly Redirect[];
}
export interface ForCommand {
  readonly type: 'for';
  readonly name: string;
  /** undefined: `for x; do` iterates over "$@". */
  readonly items?: readonly Word[];
  readonly body: List;
  readonly redirects: readonly Redirect[];
}
export interface LoopCommand {
  readonly type: 'while' | 'until';
  readonly cond: List;
  readonly body: List;
  readonly redirects: readonly Redirect[];
}
export interface CaseItem { readonly patterns: readonly Word[]; readonly body: List }
export interface CaseCommand { readonly type: 'case'; readonly word: Word; readonly items: readonly CaseItem[]; readonly redirects: readonly Redirect[] }
export interface FunctionDef { readonly type: 'function'; readonly name: string; readonly body: Command; readonly text: string }

export type CompoundCommand = BraceGroup | Subshell | IfCommand | ForCommand | LoopCommand | CaseCommand;
export type Command = SimpleCommand | CompoundCommand | FunctionDef;

export interface Pipeline { readonly type: 'pipeline'; readonly negate: boolean; readonly commands: readonly Command[] }
export interface AndOr {
  readonly type: 'andor';
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: '&&' | '||'; readonly pipeline: Pipeline }[];
}
export interface ListItem {
  readonly andOr: AndOr;
  readonly background: boolean;
  /** Source text of the and-or list (job names, history). */
  readonly text: string;
}
export interface List { readonly type: 'list'; readonly items: readonly ListItem[] }
