import { describe, expect, it } from 'vitest';
import { FakeHost } from './testing/FakeHost';
import { sh } from './testing/run';
import { openPipeEnds } from './testing/streams';

async function out(script: string, opts?: Parameters<typeof sh>[1]): Promise<string> {
  const r = await sh(script, opts);
  if (r.err) throw new Error(`unexpected stderr: ${r.err}`);
  return r.out;
}

describe('pipelines', () => {
  it('streams through concurrent stages and reports the last status', async () => {
    expect(await out('seq 3 | cat | grep -v 2')).toBe('1\n3\n');
    expect((await sh('status 3 | status 4')).status).toBe(4);
    expect((await sh('status 3 | true')).status).toBe(0);
    expect((await sh('! status 3')).status).toBe(0);
    expect((await sh('! true')).status).toBe(1);
  });

  it('ends `yes | head` (EPIPE reaches yes once head has closed its reader)', async () => {
    const r = await sh('yes | head -n 3; echo "$?"');
    expect(r.out).toBe('y\ny\ny\n0\n');
    expect(r.host.liveCount()).toBe(0);
    expect(r.host.processes.find((p) => p.argv[0] === 'yes')?.status).toBe(141);
  });

  it('moves more data than a pipe holds (backpressure both ways)', async () => {
    expect(await out('seq 5000 | cat | wc')).toBe('5000\n');
  });

  it('runs builtins and compound commands as pipeline stages in forked state', async () => {
    expect(await out('echo hi | tr h H')).toBe('Hi\n');
    expect(await out('x=1; echo 2 | read x; echo $x')).toBe('1\n');
    expect(await out('for i in a b; do echo $i; done | sort -r')).toBe('b\na\n');
    expect(await out('seq 3 | { read a; read b; echo "$b$a"; }')).toBe('21\n');
    expect(await out('while :; do echo y; done | head -n 2')).toBe('y\ny\n');
  });

  it('closes every pipe end it creates', async () => {
    const before = openPipeEnds();
    await sh('seq 10 | cat | head -n 1; echo $(echo x | cat) | cat; cat <<EOF | cat\nhi\nEOF\n');
    expect(openPipeEnds()).toBe(before);
  });

  it('gives all stages of a pipeline one process group led by the first process', async () => {
    const host = new FakeHost();
    await sh('seq 3 | cat | cat', { host });
    const [a, b, c] = host.processes;
    expect(a.pgid).toBe(host.pgid);
    expect(b.pgid).toBe(host.pgid);
    expect(c.pgid).toBe(host.pgid);
  });
});

describe('lists', () => {
  it('runs && || ; with the right short-circuits', async () => {
    expect(await out('true && echo a || echo b; false && echo c || echo d; false || false || echo e')).toBe('a\nd\ne\n');
  });

  it('reports background jobs only in interactive shells and sets $!', async () => {
    const r = await sh('sleep 0.01 & echo "bg=$!"; wait; echo "st=$?"');
    expect(r.out).toBe('bg=200\nst=0\n');
    expect(r.err).toBe('');
  });
});

describe('variables and parameters', () => {
  it('expands special parameters', async () => {
    expect(await out('echo "$0|$1|$2|$#|$*|$@"', { args: ['name', 'a', 'b c'] })).toBe('name|a|b c|2|a b c|a b c\n');
    expect(await out('echo $$; false; echo $?')).toBe('100\n1\n');
    expect(await out('args "$@"; args $@; args "$*"', { args: ['n', 'a b', 'c'] })).toBe('<a b><c>\n<a><b><c>\n<a b c>\n');
    expect(await out('args "$@"; args x"$@"y', { args: ['n'] })).toBe('\n<xy>\n');
  });

  it('implements every parameter expansion operator', async () => {
    const script = [
      'u=; s=set',
      'echo "${s:-d} ${u:-d} ${n:-d} ${u-d} ${n-d}"',
      'echo "${s:+a} ${u:+a} ${u+a} ${n+a}."',
      'echo "${v:=assigned} $v"',
      'p=dir/sub/file.tar.gz',
      'echo "${#p} ${p%.*} ${p%%.*} ${p#*/} ${p##*/}"',
      'echo "${#}"',
      'set -- a bb; echo "${#@} ${#1}"; set --',
    ].join('\n');
    expect(await out(script)).toBe('set d d  d\na  a .\nassigned assigned\n19 dir/sub/file.tar dir/sub/file sub/file.tar.gz file.tar.gz\n0\n2 1\n');
  });

  it('fails on ${x:?message} with status 2', async () => {
    const r = await sh('echo before; echo ${x:?is required}; echo after');
    expect(r.out).toBe('before\n');
    expect(r.err).toBe('sh: x: is required\n');
    expect(r.status).toBe(2);
  });

  it('exports variables to programs, with prefix assignments for one command', async () => {
    expect(await out('A=1; export B=2; C=3 printenv A B C; echo "${C-unset}"')).toBe('2\n3\nunset\n');
    expect(await out('export D; D=4; printenv D')).toBe('4\n');
    expect((await sh('printenv HOME')).out).toBe('/root\n');
  });

  it('keeps prefix assignments for builtins and functions temporary', async () => {
    expect(await out('f() { echo "in:$V"; }; V=1 f; echo "out:$V"')).toBe('in:1\nout:\n');
    expect(await out('echo "a:b" | { IFS=: read x y; echo "$y $x"; }')).toBe('b a\n');
  });

  it('passes the terminal size to programs as COLUMNS and LINES (WASI has no TIOCGWINSZ), even into pipes', async () => {
    expect(await out('printenv COLUMNS | cat; printenv LINES')).toBe('80\n24\n');
  });
});

describe('quoting and field splitting', () => {
  it('splits unquoted expansions on IFS and nothing else', async () => {
    expect(await out('x="a  b"; args $x "$x" \'$x\' \\$x')).toBe('<a><b><a  b><$x><$x>\n');
    expect(await out('x=" a "; args $x; args "$x"; e=; args $e "$e"')).toBe('<a>\n< a >\n<>\n');
    expect(await out('IFS=:; x="a::b:"; args $x')).toBe('<a><><b>\n');
    expect(await out('IFS=", "; x="a, b,,c"; args $x')).toBe('<a><b><><c>\n');
    expect(await out('x="a b"; args pre$x"post"')).toBe('<prea><bpost>\n');
  });

  it('handles backslashes in and out of double quotes', async () => {
    expect(await out('echo "a\\"b" "\\$x" "\\a" a\\ b \'\\n\'')).toBe('a"b $x \\a a b \\n\n');
  });

  it('expands tilde at the start of words', async () => {
    expect(await out('echo ~ ~/x "~" ~root a~')).toBe('/root /root/x ~ /root a~\n');
  });
});

describe('globbing', () => {
  function globHost(): FakeHost {
    const host = new FakeHost();
    host.mkdir('/w');
    host.mkdir('/w/d1');
    for (const f of ['a.txt', 'b.txt', 'c.md', '.hidden', 'd1/x.txt']) host.writeFile(`/w/${f}`, '');
    return host;
  }

  it('matches * ? [..] against the file system, sorted, skipping dot files', async () => {
    const host = globHost();
    expect(await out('echo *.txt; echo ?.md; echo [ab]*; echo *', { host, cwd: '/w' })).toBe('a.txt b.txt\nc.md\na.txt b.txt\na.txt b.txt c.md d1\n');
    expect(await out('echo .h*; echo */*.txt; echo /w/d*/', { host, cwd: '/w' })).toBe('.hidden\nd1/x.txt\n/w/d1/\n');
  });

  it('leaves words without matches and quoted patterns unchanged', async () => {
    const host = globHost();
    expect(await out('echo *.zip "*.txt" \\*.txt; set -f; echo *.txt', { host, cwd: '/w' })).toBe('*.zip *.txt *.txt\n*.txt\n');
  });
});

describe('substitution and arithmetic', () => {
  it('captures command output, dropping trailing newlines', async () => {
    expect(await out('x=$(seq 3); echo "$x"; echo `echo a; echo b`; echo "[$(printf "a\\n\\n\\n")]"')).toBe('1\n2\n3\na b\n[a]\n');
    expect(await out('echo $(echo $(echo nested))')).toBe('nested\n');
    expect(await out('x=$(exit 3); echo $?')).toBe('3\n');
  });

  it('runs command substitution in a subshell', async () => {
    expect(await out('x=1; y=$(x=2; echo $x); echo $x $y')).toBe('1 2\n');
  });

  it('evaluates $((...)) with variables and assignments', async () => {
    expect(await out('i=3; echo $((i * (2 + 1))) $((i += 2)) $i $((10 / 3)) $((10 % 3)) $((1 < 2)) $(( $(echo 4) + 1 ))')).toBe('9 5 5 3 1 1 5\n');
    const r = await sh('echo $((1 / 0)); echo after');
    expect(r.err).toBe('sh: arithmetic: division by zero\n');
    expect(r.status).toBe(2);
  });
});

describe('compound commands', () => {
  it('runs if/elif/else', async () => {
    const s = 'for n in 1 2 3; do if [ $n = 1 ]; then echo one; elif [ $n = 2 ]; then echo two; else echo many; fi; done';
    expect(await out(s)).toBe('one\ntwo\nmany\n');
    expect((await sh('if false; then :; fi')).status).toBe(0);
  });

  it('runs for over words and over "$@"', async () => {
    expect(await out('for a in x "y z"; do echo "[$a]"; done; for b; do echo "<$b>"; done', { args: ['n', 'p q', 'r'] })).toBe('[x]\n[y z]\n<p q>\n<r>\n');
  });

  it('runs while and until with break and continue (also with levels)', async () => {
    expect(await out('i=0; while [ $i -lt 5 ]; do i=$((i+1)); [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done')).toBe('1\n3\n');
    expect(await out('i=0; until [ $i = 3 ]; do i=$((i+1)); echo $i; done')).toBe('1\n2\n3\n');
    expect(await out('for a in 1 2; do for b in x y; do [ $b = y ] && continue 2; [ $a = 2 ] && break 2; echo $a$b; done; done; echo end')).toBe('1x\nend\n');
  });

  it('matches case patterns with | and globs', async () => {
    const s = 'for w in apple b.c zz; do case $w in a*|z) echo A;; *.c) echo C;; *) echo other;; esac; done';
    expect(await out(s)).toBe('A\nC\nother\n');
    expect(await out('x="*"; case abc in $x) echo glob;; esac; case abc in "$x") echo quoted;; *) echo literal;; esac')).toBe('glob\nliteral\n');
  });

  it('isolates subshells and shares brace groups', async () => {
    expect(await out('x=1; (x=2; cd /tmp; echo $x $PWD); echo $x $PWD; { x=3; }; echo $x')).toBe('2 /tmp\n1 /root\n3\n');
    expect(await out('(exit 4); echo $?')).toBe('4\n');
  });

  it('defines functions with positional parameters, return and local', async () => {
    const s = 'f() { local v=inner; echo "$1-$#-$v"; return 5; echo no; }; v=outer; f a b; echo "$? $v $1"';
    expect(await out(s, { args: ['n', 'top'] })).toBe('a-2-inner\n5 outer top\n');
    expect(await out('fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1-1))) )); fi; }; fact 5')).toBe('120\n');
  });
});

describe('redirections', () => {
  it('writes, appends, reads and duplicates', async () => {
    const host = new FakeHost();
    await out('echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f > /tmp/g; both > /tmp/o 2>&1; both 2>/tmp/e >/dev/null; both &>/tmp/all', { host });
    expect(host.text('/tmp/f')).toBe('one\ntwo\n');
    expect(host.text('/tmp/g')).toBe('one\ntwo\n');
    expect(host.text('/tmp/o')).toBe('out\nerr\n');
    expect(host.text('/tmp/e')).toBe('err\n');
    expect(host.text('/tmp/all')).toBe('out\nerr\n');
  });

  it('applies redirections left to right', async () => {
    const r = await sh('both 2>&1 >/dev/null');
    expect(r.out).toBe('err\n');
    expect(r.err).toBe('');
    expect((await sh('echo to-err >&2')).err).toBe('to-err\n');
  });

  it('redirects compound commands and builtins', async () => {
    const host = new FakeHost();
    await out('{ echo a; echo b; } > /tmp/x; for i in 1 2; do echo $i; done >> /tmp/x; read l < /tmp/x; echo "$l" > /tmp/y', { host });
    expect(host.text('/tmp/x')).toBe('a\nb\n1\n2\n');
    expect(host.text('/tmp/y')).toBe('a\n');
  });

  it('feeds here-documents, expanded or literal, with tab stripping', async () => {
    expect(await out('x=world; cat <<EOF\nhello $x\n$(echo sub) \\$x\nEOF')).toBe('hello world\nsub $x\n');
    expect(await out("cat <<'EOF'\nhello $x\nEOF")).toBe('hello $x\n');
    expect(await out('cat <<-EOF\n\tindented\n\tEOF\necho after')).toBe('indented\nafter\n');
    expect(await out('while read l; do echo "<$l>"; done <<EOF\na\nb\nEOF')).toBe('<a>\n<b>\n');
  });

  it('reports a missing input file and skips the command', async () => {
    const r = await sh('cat < /nope; echo $?');
    expect(r.err).toBe('sh: /nope: No such file or directory\n');
    expect(r.out).toBe('1\n');
  });

  it('keeps exec redirections for the rest of the shell', async () => {
    const host = new FakeHost();
    const r = await sh('exec >/tmp/log; echo one; both', { host });
    expect(r.out).toBe('');
    expect(host.text('/tmp/log')).toBe('one\nout\n');
  });
});

describe('commands and errors', () => {
  it('reports unknown commands with 127', async () => {
    const r = await sh('nosuch arg; echo $?');
    expect(r.err).toBe('sh: nosuch: not found\n');
    expect(r.out).toBe('127\n');
    expect((await sh('./missing')).err).toBe('sh: ./missing: not found\n');
  });

  it('reports directories and non-programs with 126', async () => {
    const host = new FakeHost();
    host.writeFile('/tmp/data', 'just text', 0o755);
    const r = await sh('/tmp; echo $?; /tmp/data; echo $?', { host });
    expect(r.err).toBe('sh: /tmp: Is a directory\nsh: /tmp/data: cannot execute: not a WebAssembly program\n');
    expect(r.out).toBe('126\n126\n');
  });

  it('runs #!/bin/sh scripts in a new shell with their own arguments', async () => {
    const host = new FakeHost();
    host.writeFile('/root/s.sh', '#!/bin/sh\necho "0=$0 1=$1 #=$#"\nx=changed\nexit 7\n', 0o755);
    const r = await sh('x=orig; ./s.sh a b; echo "st=$? x=$x"; sh s.sh c; sh -c \'echo "c:$1"\' name arg', { host });
    expect(r.out).toBe('0=./s.sh 1=a #=2\nst=7 x=orig\n0=s.sh 1=c #=1\nc:arg\n');
  });

  it('spawns other #! interpreters with the script path', async () => {
    const host = new FakeHost();
    host.writeFile('/root/p', '#!/bin/args -x\nbody\n', 0o755);
    expect(await out('./p 1 2', { host })).toBe('<-x><./p><1><2>\n');
  });

  it('reports syntax errors with status 2 before running anything on that line', async () => {
    const r = await sh('echo before\nif true; then fi\necho after');
    expect(r.out).toBe('before\n');
    expect(r.err).toBe('sh: syntax error: unexpected "fi"\n');
    expect(r.status).toBe(2);
  });

  it('exits on failures with set -e, except in conditions', async () => {
    const r = await sh('set -e; if false; then :; fi; false || echo ok; ! true; status 3 && echo no; echo reached; status 4; echo never');
    expect(r.out).toBe('ok\nreached\n');
    expect(r.status).toBe(4);
  });

  it('traces with set -x and rejects unset variables with set -u', async () => {
    expect((await sh('set -x; x=1; echo $x')).err).toBe('+ x=1\n+ echo 1\n');
    const r = await sh('set -u; echo $nope; echo after');
    expect(r.err).toBe('sh: nope: parameter not set\n');
    expect(r.status).toBe(2);
  });

  it('expands aliases in command position from the next line on', async () => {
    expect(await out('alias say="echo said"\nsay hi; echo say\nunalias say; type say 2>/dev/null || echo gone')).toBe('said hi\nsay\ngone\n');
  });

  it('exits with the given status and runs nothing after', async () => {
    const r = await sh('echo a; exit 3; echo b');
    expect([r.out, r.status]).toEqual(['a\n', 3]);
    expect((await sh('false; exit')).status).toBe(1);
  });

  it('reads commands from stdin when given no -c, never past the current line', async () => {
    const { Shell } = await import('./index');
    const { Sink, Source } = await import('./testing/streams');
    const host = new FakeHost();
    const o = new Sink();
    const shell = new Shell(host, { argv: ['sh'], env: { PATH: '/bin' }, cwd: '/', stdio: { stdin: new Source('echo one\nread x\nfrom stdin\necho "two $x"\n'), stdout: o, stderr: o }, interactive: false });
    expect(await shell.run()).toBe(0);
    expect(o.text).toBe('one\ntwo from stdin\n');
  });
});
