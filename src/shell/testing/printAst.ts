// A compact, unambiguous rendering of the AST for parser tests: every
// construct is bracketed so a wrong tree prints differently.
//   word parts: bare = unquoted literal, '…' = quoted literal, "…" = double quotes,
//   ${name}, ${name:-arg}, ${#name}, $(…), $((…))

import type { Command, List, Pipeline, Redirect, Word, WordPart } from '../ast';

export function printWord(w: Word): string {
  return w.parts.map(printPart).join('');
}

function printPart(p: WordPart): string {
  switch (p.type) {
    case 'lit': return p.quoted ? `'${p.text}'` : p.text;
    case 'dq': return `"${p.parts.map(printPart).join('')}"`;
    case 'param': return p.op ? `\${${p.name}${p.op}${printWord(p.arg!)}}` : `\${${p.name}}`;
    case 'length': return `\${#${p.name}}`;
    case 'cmdsub': return `$(${printList(p.body)})`;
    case 'arith': return `$((${printWord(p.expr)}))`;
  }
}

function printRedirect(r: Redirect): string {
  if (r.type === 'heredoc') {
    return `${r.fd ?? ''}<<${r.doc.strip ? '-' : ''}${r.doc.quoted ? 'Q' : ''}[${printWord(r.doc.body).replace(/\n/g, '\\n')}]`;
  }
  return `${r.fd ?? ''}${r.op}${printWord(r.target)}`;
}

function printCommand(c: Command): string {
  const redirs = 'redirects' in c && c.redirects.length ? ' ' + c.redirects.map(printRedirect).join(' ') : '';
  switch (c.type) {
    case 'simple':
      return `(${[...c.assigns.map((a) => `${a.name}=${printWord(a.value)}`), ...c.words.map(printWord), ...c.redirects.map(printRedirect)].join(' ')})`;
    case 'brace': return `{${printList(c.body)}}${redirs}`;
    case 'subshell': return `(sub ${printList(c.body)})${redirs}`;
    case 'if':
      return `if ${c.clauses.map((cl) => `[${printList(cl.cond)}] then [${printList(cl.body)}]`).join(' elif ')}${c.elseBody ? ` else [${printList(c.elseBody)}]` : ''}${redirs}`;
    case 'for': return `for ${c.name}${c.items ? ` in [${c.items.map(printWord).join(' ')}]` : ''} do [${printList(c.body)}]${redirs}`;
    case 'while': case 'until': return `${c.type} [${printList(c.cond)}] do [${printList(c.body)}]${redirs}`;
    case 'case': return `case ${printWord(c.word)} in ${c.items.map((i) => `${i.patterns.map(printWord).join('|')}) [${printList(i.body)}]`).join(' ')}${redirs}`;
    case 'function': return `function ${c.name} ${printCommand(c.body)}`;
  }
}

function printPipeline(p: Pipeline): string {
  return (p.negate ? '! ' : '') + p.commands.map(printCommand).join(' | ');
}

export function printList(l: List): string {
  return l.items
    .map((it) => [printPipeline(it.andOr.first), ...it.andOr.rest.map((r) => `${r.op} ${printPipeline(r.pipeline)}`)].join(' ') + (it.background ? ' &' : ''))
    .join('; ');
}
