import { describe, expect, it } from 'vitest';
import { FakeHost } from './testing/FakeHost';
import { sh } from './testing/run';

async function out(script: string, opts?: Parameters<typeof sh>[1]): Promise<string> {
  const r = await sh(script, opts);
  if (r.err) throw new Error(`unexpected stderr: ${r.err}`);
  return r.out;
}

describe('cd and pwd', () => {
  it('changes directory, updates PWD/OLDPWD, cd - prints and cd goes HOME', async () => {
    expect(await out('cd /tmp; pwd; echo "$PWD $OLDPWD"; cd -; cd; pwd; cd ..; pwd; cd /usr/../tmp/.; pwd')).toBe('/tmp\n/tmp /root\n/root\n/root\n/\n/tmp\n');
  });

  it('reports missing directories and files', async () => {
    const host = new FakeHost();
    host.writeFile('/tmp/file', 'x');
    const r = await sh('cd /x; echo $?; cd /tmp/file; cd a b', { host });
    expect(r.err).toBe('sh: cd: /x: No such file or directory\nsh: cd: /tmp/file: Not a directory\nsh: cd: too many arguments\n');
    expect(r.out).toBe('1\n');
  });

  it('searches CDPATH and passes the new cwd to programs', async () => {
    const host = new FakeHost();
    host.mkdir('/usr/share');
    expect(await out('CDPATH=/usr; cd share; pwd', { host })).toBe('/usr/share\n/usr/share\n');
    expect(await out('cd /tmp && /bin/pwd')).toBe('/tmp\n');
  });
});

describe('echo and printf', () => {
  it('echo handles -n and -e', async () => {
    expect(await out('echo -n a; echo b; echo -e "x\\ty\\n"; echo "a\\nb"; echo -e "stop\\cnot"; echo; echo -- -n')).toBe('ab\nx\ty\n\na\\nb\nstop\n-- -n\n');
  });

  it('printf formats and reuses the format for extra arguments', async () => {
    expect(await out('printf "%s=%d\\n" a 1 b 2 c')).toBe('a=1\nb=2\nc=0\n');
    expect(await out('printf "[%5s][%-5s][%05d][%x][%o][%.2f][%c][%%]\\n" ab cd 42 255 8 3.14159 xyz')).toBe('[   ab][cd   ][00042][ff][10][3.14][x][%]\n');
    expect(await out('printf "%b|%s\\n" "a\\tb" "a\\tb"')).toBe('a\tb|a\\tb\n');
    expect(await out("printf '%d\\n' \"'A\"")).toBe('65\n');
    expect(await out('printf "no newline"')).toBe('no newline');
  });

  it('printf complains about invalid numbers with status 1', async () => {
    const r = await sh('printf "%d\\n" abc');
    expect(r.out).toBe('0\n');
    expect(r.err).toBe('sh: printf: abc: invalid number\n');
    expect(r.status).toBe(1);
  });
});

describe('read', () => {
  it('splits into variables, the last taking the rest', async () => {
    expect(await out('echo "  a b  c d  " | { read x y z; echo "[$x][$y][$z]"; }')).toBe('[a][b][c d]\n');
    expect(await out('echo "one two" | { read line; echo "[$line]"; }')).toBe('[one two]\n');
    expect(await out('echo "x y" | { read; echo "[$REPLY]"; }')).toBe('[x y]\n');
  });

  it('honours -r, backslashes and continuation lines', async () => {
    expect(await out("printf 'a\\\\ b c\\n' | { read x y; echo \"[$x][$y]\"; }")).toBe('[a b][c]\n');
    expect(await out("printf 'a\\\\ b\\n' | { read -r x y; echo \"[$x][$y]\"; }")).toBe('[a\\][b]\n');
    expect(await out("printf 'a\\\\\\nb\\n' | { read x; echo \"[$x]\"; }")).toBe('[ab]\n');
  });

  it('returns 1 at end of input but still assigns a last partial line', async () => {
    expect(await out('printf "last" | { read x; echo "$? [$x]"; }; read y < /dev/null; echo $?')).toBe('1 [last]\n1\n');
  });

  it('writes the -p prompt to stderr', async () => {
    const r = await sh('echo v | { read -p "name? " n; echo "$n"; }');
    expect(r.err).toBe('name? ');
    expect(r.out).toBe('v\n');
  });
});

describe('test and [', () => {
  const cases: [string, number][] = [
    ['test', 1], ['test ""', 1], ['test x', 0], ['test -n ""', 1], ['test -n', 0], ['test -z ""', 0],
    ['[ a = a ]', 0], ['[ a != a ]', 1], ['[ a = b -o 1 -eq 1 ]', 0], ['[ a = a -a 1 -eq 2 ]', 1],
    ['[ ! a = b ]', 0], ['[ \\( a = b \\) -o \\( c = c \\) ]', 0], ['[ 2 -gt 10 ]', 1], ['[ 2 -lt 10 ]', 0],
    ['[ 3 -ge 3 ]', 0], ['[ 3 -le 2 ]', 1], ['[ 3 -ne 3 ]', 1], ['[ -d /tmp ]', 0], ['[ -f /tmp ]', 1],
    ['[ -e /bin/cat ]', 0], ['[ -x /bin/cat ]', 0], ['[ -x /etc ]', 0], ['[ -s /dev/null ]', 1], ['[ -e /nope ]', 1],
    ['[ -L /tmp/link ]', 0], ['[ -r /bin/cat ]', 0], ['[ -w /tmp ]', 0], ['[ abc \\< abd ]', 0], ['[ "-o" = "-o" ]', 0],
  ];
  for (const [expr, status] of cases) {
    it(`${expr} → ${status}`, async () => {
      const host = new FakeHost();
      host.symlink('/tmp/link', '/bin/cat');
      const r = await sh(expr, { host });
      expect(r.err).toBe('');
      expect(r.status).toBe(status);
    });
  }

  it('reports bad integers and a missing ] with status 2', async () => {
    const r = await sh('[ a -eq 1 ]; echo $?; [ a = a; echo $?');
    expect(r.err).toBe('sh: [: a: integer expression expected\nsh: [: missing ]\n');
    expect(r.out).toBe('2\n2\n');
  });
});

describe('variables, options and positional parameters', () => {
  it('set sets positional parameters and options; shift shifts', async () => {
    expect(await out('set -- a "b c" d; echo $#; shift; echo "$1|$#"; shift 2; echo $#; set x y; echo "$@"')).toBe('3\nb c|2\n0\nx y\n');
    const r = await sh('shift 3');
    expect(r.err).toBe("sh: shift: can't shift that many\n");
    expect(await out('set -e; echo $-; set +e -u; echo $-')).toBe('e\nu\n');
  });

  it('unset removes variables and functions; readonly protects', async () => {
    expect(await out('x=1; unset x; echo "[${x-gone}]"; f() { :; }; unset -f f; type f >/dev/null 2>&1 || echo nof')).toBe('[gone]\nnof\n');
    const r = await sh('readonly r=1; r=2; echo $r');
    expect(r.err).toBe('sh: r: is read only\n');
  });

  it('export -p lists exported variables for re-input', async () => {
    expect(await out('export A="x y" B=1; export -p', { env: {} }).then((o) => o.split('\n').filter((l) => /^export [AB]=/.test(l)))).toEqual([
      "export A='x y'", 'export B=1',
    ]);
  });

  it('local is an error outside functions', async () => {
    expect((await sh('local x')).err).toBe('sh: local: not in a function\n');
  });

  it('eval and source run code in the current shell', async () => {
    const host = new FakeHost();
    host.writeFile('/root/lib.sh', 'libvar="$1"\nlibf() { echo "from lib"; }\nreturn 3\necho never\n');
    expect(await out('eval "x=1; echo \\$x"; . ./lib.sh arg; echo "$? $libvar"; libf; source /root/lib.sh; echo $?', { host })).toBe('1\n3 arg\nfrom lib\n3\n');
    expect((await sh('. /nope')).err).toBe('sh: .: /nope: No such file or directory\n');
  });
});

describe('type, which, command, alias, help, history, clear, umask', () => {
  it('type describes keywords, aliases, functions, builtins and programs', async () => {
    const r = await sh('alias ll="ls -l"\nf() { :; }; type if ll f cd cat nope');
    expect(r.out).toBe('if is a shell keyword\nll is an alias for ls -l\nf is a function\ncd is a shell builtin\ncat is /bin/cat\n');
    expect(r.err).toBe('sh: type: nope: not found\n');
    expect(r.status).toBe(1);
  });

  it('which prints program paths; command -v too; command skips functions', async () => {
    expect(await out('which cat; which cd; command -v cat cd')).toBe('/bin/cat\ncd: shell builtin\n/bin/cat\ncd\n');
    expect((await sh('which nope')).status).toBe(1);
    expect(await out('echo() { command echo "wrapped $*"; }; echo x')).toBe('wrapped x\n');
  });

  it('alias lists and reports unknown names', async () => {
    const r = await sh("alias a='echo 1' b=2; alias; alias a; alias zz");
    expect(r.out).toBe("alias a='echo 1'\nalias b='2'\nalias a='echo 1'\n");
    expect(r.err).toBe('sh: alias: zz: not found\n');
  });

  it('help lists every builtin with a description', async () => {
    const o = await out('help');
    for (const name of ['cd', 'echo', 'jobs', 'kill', 'test', 'read', 'history', 'clear']) expect(o).toMatch(new RegExp(`^  ${name.replace('[', '\\[')} +\\S`, 'm'));
    expect(await out('help cd')).toBe('  cd         Change the working directory (cd [dir|-])\n');
  });

  it('clear writes the clear-screen sequence; umask is accepted', async () => {
    expect(await out('clear')).toBe('\x1b[H\x1b[2J\x1b[3J');
    expect(await out('umask; umask 077; umask')).toBe('0022\n0077\n');
  });
});

describe('trap', () => {
  it('runs the EXIT trap once when the shell ends, also after exit', async () => {
    expect(await out('trap "echo bye" EXIT; echo hi')).toBe('hi\nbye\n');
    const r = await sh('trap \'echo "status $?"\' 0; exit 3');
    expect([r.out, r.status]).toEqual(['status 3\n', 3]);
    expect(await out('trap "echo no" EXIT; trap - EXIT; echo x')).toBe('x\n');
    expect(await out("trap 'echo a' EXIT INT; trap")).toBe("trap -- 'echo a' EXIT\ntrap -- 'echo a' INT\na\n");
    expect((await sh('trap x NOPE')).err).toBe('sh: trap: NOPE: bad trap\n');
  });
});
