import { describe, expect, it } from 'vitest';
import { ShellSyntaxError } from './errors';
import { Lexer, type Token } from './lexer';
import { parse, Parser } from './parser';
import { printList } from './testing/printAst';

const p = (src: string): string => printList(parse(src));

function syntaxError(src: string): ShellSyntaxError {
  try {
    parse(src);
  } catch (e) {
    if (e instanceof ShellSyntaxError) return e;
    throw e;
  }
  throw new Error(`no syntax error for ${JSON.stringify(src)}`);
}

function tokens(src: string): string[] {
  const lx = new Lexer(src, (s, pos) => new Parser(s, {}, pos).parseSubstitution());
  const out: string[] = [];
  for (;;) {
    const t: Token = lx.next();
    if (t.kind === 'eof') return out;
    out.push(t.kind === 'word' ? `w:${t.word.raw}` : t.kind === 'op' ? `op:${t.op}` : t.kind === 'ionum' ? `io:${t.fd}` : 'nl');
  }
}

describe('lexer', () => {
  it('splits operators by longest match and recognises IO numbers', () => {
    expect(tokens('a&&b||c;;d 2>&1 >>f <<-E &>x\nE\n')).toEqual(
      ['w:a', 'op:&&', 'w:b', 'op:||', 'w:c', 'op:;;', 'w:d', 'io:2', 'op:>&', 'w:1', 'op:>>', 'w:f', 'op:<<-', 'w:E', 'op:&>', 'w:x', 'nl'],
    );
  });

  it('keeps quoted operators and blanks inside words', () => {
    expect(tokens(`echo 'a;b' "c|d" e\\ f g\\&h`)).toEqual(['w:echo', "w:'a;b'", 'w:"c|d"', 'w:e\\ f', 'w:g\\&h']);
  });

  it('skips comments only at the start of a word', () => {
    expect(tokens('echo a#b # comment ; x\necho')).toEqual(['w:echo', 'w:a#b', 'nl', 'w:echo']);
  });

  it('joins lines ending in a backslash', () => {
    expect(tokens('ec\\\nho a \\\n b')).toEqual(['w:ec\\\nho', 'w:a', 'w:b']);
    expect(p('ec\\\nho a \\\n b')).toBe('(echo a b)');
  });

  it('does not treat digits as IO numbers unless a redirection follows directly', () => {
    expect(tokens('echo 2 >f 2>g')).toEqual(['w:echo', 'w:2', 'op:>', 'w:f', 'io:2', 'op:>', 'w:g']);
  });
});

describe('parser: words and quoting', () => {
  it('separates quoting parts', () => {
    expect(p(`echo a'b c'"d $x \\$y \\\\"\\e`)).toBe(`(echo a'b c'"'d '\${x}' \$y \\'"'e')`);
  });

  it('parses every parameter expansion form', () => {
    expect(p('echo ${x} ${x:-d} ${x:=d} ${x:?m} ${x:+a} ${#x} ${x%p} ${x%%p} ${x#p} ${x##p} ${x-a b} $1 $# $@ $? ${10}'))
      .toBe('(echo ${x} ${x:-d} ${x:=d} ${x:?m} ${x:+a} ${#x} ${x%p} ${x%%p} ${x#p} ${x##p} ${x-a b} ${1} ${#} ${@} ${?} ${10})');
  });

  it('parses command substitutions with the real grammar (nested quotes, case patterns, parentheses)', () => {
    expect(p('echo "$(echo "a)b")" $(case x in x) echo y;; esac) `echo \\`hi\\``'))
      .toBe(`(echo "$((echo "'a)b'"))" $(case x in x) [(echo y)]) $((echo $((hi)))))`);
  });

  it('parses arithmetic with nested parentheses and expansions', () => {
    expect(p('echo $(( (1+2)*$x ))')).toBe("(echo $((' (1+2)*'${x}' ')))");
  });

  it('tells an arithmetic expansion from a subshell in a command substitution', () => {
    expect(p('echo $( (echo a) )')).toBe('(echo $((sub (echo a))))');
  });

  it('recognises assignments only before the command name', () => {
    expect(p('a=1 b="x y" cmd c=2')).toBe(`(a=1 b="'x y'" cmd c=2)`);
    expect(p('"a"=1')).toBe(`("'a'"=1)`);
  });
});

describe('parser: commands', () => {
  it('parses lists, and-or lists, pipelines and negation', () => {
    expect(p('a | b && ! c || d; e & f')).toBe('(a) | (b) && ! (c) || (d); (e) &; (f)');
  });

  it('allows newlines after | && ||', () => {
    expect(p('a |\n b &&\n\n c')).toBe('(a) | (b) && (c)');
  });

  it('parses redirections anywhere in a simple command', () => {
    expect(p('>out echo 2>&1 a <in b >>log 3<>rw')).toBe('(echo a b >out 2>&1 <in >>log 3<>rw)');
  });

  it('parses if/elif/else, loops, case and groups', () => {
    expect(p('if a; then b; elif c; then d; else e; fi')).toBe('if [(a)] then [(b)] elif [(c)] then [(d)] else [(e)]');
    expect(p('for i in 1 "2 3"; do echo $i; done')).toBe(`for i in [1 "'2 3'"] do [(echo \${i})]`);
    expect(p('for i\ndo echo; done')).toBe('for i do [(echo)]');
    expect(p('for i; do :; done')).toBe('for i do [(:)]');
    expect(p('while a; do b; done; until c; do d; done')).toBe('while [(a)] do [(b)]; until [(c)] do [(d)]');
    expect(p('case $x in\n (a|b) one;;\n *) two\nesac')).toBe('case ${x} in a|b) [(one)] *) [(two)]');
    expect(p('case x in a) ;; esac')).toBe('case x in a) []');
    expect(p('{ a; b; } > f; (c; d) 2>/dev/null')).toBe('{(a); (b)} >f; (sub (c); (d)) 2>/dev/null');
  });

  it('recognises reserved words only in command position', () => {
    expect(p('echo if then fi; echo { }')).toBe('(echo if then fi); (echo { })');
    expect(p('{ echo }; }')).toBe('{(echo })}');
  });

  it('parses function definitions', () => {
    expect(p('f() { echo $1; }; f x')).toBe('function f {(echo ${1})}; (f x)');
    expect(p('f ()\n{\n  :\n}')).toBe('function f {(:)}');
    expect(p('function g { :; }')).toBe('function g {(:)}');
    expect(p('h() (echo sub)')).toBe('function h (sub (echo sub))');
  });

  it('reads here-documents after the end of the line, expanding unless the delimiter is quoted', () => {
    expect(p('cat <<EOF; echo after\nhello $name\nEOF\n')).toBe("(cat <<['hello '${name}'\\n']); (echo after)");
    expect(p("cat <<'EOF'\nhello $name\nEOF")).toBe("(cat <<Q['hello $name\\n'])");
    expect(p('cat <<-EOF\n\t\tindented\n\tEOF\n')).toBe("(cat <<-['indented\\n'])");
    expect(p('cat <<A <<B\na\nA\nb\nB\n')).toBe("(cat <<['a\\n'] <<['b\\n'])");
  });

  it('substitutes aliases in command position only, without recursion', () => {
    const aliases: Record<string, string> = { ll: 'ls -l', ls: 'ls -F', e: 'echo' };
    const list = new Parser('ll ll; e x', { alias: (n) => aliases[n] }).parseProgram();
    expect(printList(list)).toBe('(ls -F -l ll); (echo x)');
  });
});

describe('parser: errors', () => {
  it('reports the unexpected token', () => {
    expect(syntaxError('if true; then fi').message).toBe('unexpected "fi"');
    expect(syntaxError('echo a; ;').message).toBe('unexpected ";"');
    expect(syntaxError('| a').message).toBe('unexpected "|"');
    expect(syntaxError('done').message).toBe('unexpected "done"');
    expect(syntaxError('case x in a) echo; esac; esac').message).toBe('unexpected "esac"');
    expect(syntaxError('echo >').message).toBe('unexpected end of file');
  });

  it('marks input that more lines could complete as incomplete', () => {
    for (const src of ['if true; then', 'echo "abc', "echo 'x", 'a |', 'a &&', 'cat <<EOF\nx', 'f() {', 'echo $(echo', 'for i in 1; do', 'echo \\']) {
      if (src === 'echo \\') continue;
      expect(syntaxError(src).incomplete, src).toBe(true);
    }
    expect(syntaxError('if true; then fi').incomplete).toBe(false);
  });
});
