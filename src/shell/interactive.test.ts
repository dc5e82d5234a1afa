import { describe, expect, it } from 'vitest';
import { FakeHost } from './testing/FakeHost';
import { interactive, until } from './testing/run';

type Session = ReturnType<typeof interactive>;

/** Types one line and returns what the shell printed up to its next prompt ("$ "). */
async function run(s: Session, line: string, prompt = '$ '): Promise<string> {
  const before = s.term.output.length;
  s.term.type(line + '\n');
  await until(s.term, (o) => o.length > before && o.endsWith(prompt) && s.term.reads > 0);
  return s.term.output.slice(before, -prompt.length);
}

async function started(host: FakeHost, count = 1): Promise<void> {
  const t = Date.now();
  while (host.processes.length < count) {
    if (Date.now() - t > 2000) throw new Error('process did not start');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('interactive shell', () => {
  it('prints PS1 with \\u \\h \\w \\$ expanded, runs lines, exits on exit', async () => {
    const s = interactive(new FakeHost(), { PS1: '\\u@\\h:\\w\\$ ' });
    await until(s.term, (o) => o === 'root@flotilla:~# ');
    s.term.type('cd /tmp\n');
    await until(s.term, (o) => o.endsWith('root@flotilla:/tmp# '));
    s.term.type('exit 5\n');
    expect(await s.done).toBe(5);
  });

  it('uses PS2 for continuation lines and runs the complete command', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'if true', '> ')).toBe('');
    expect(await run(s, 'then echo yes; fi')).toBe('yes\n');
    expect(await run(s, 'echo "a', '> ')).toBe('');
    expect(await run(s, 'b"')).toBe('a\nb\n');
  });

  it('reads here-document lines after the command line with PS2', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'cat <<EOF', '> ')).toBe('');
    expect(await run(s, 'hello $HOME', '> ')).toBe('');
    expect(await run(s, 'EOF')).toBe('hello /root\n');
  });

  it('reports syntax errors and carries on', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'fi')).toBe('sh: syntax error: unexpected "fi"\n');
    expect(await run(s, 'echo $?')).toBe('2\n');
  });

  it('prints exit on end of input and returns the last status', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    await run(s, 'false');
    s.term.endOfInput();
    expect(await s.done).toBe(1);
    expect(s.term.output.endsWith('$ exit\n')).toBe(true);
  });

  it('sources /etc/profile and ~/.profile, prints /etc/motd only for logins', async () => {
    const host = new FakeHost();
    host.writeFile('/etc/profile', 'export FROM_PROFILE=1\n');
    host.writeFile('/root/.profile', 'alias hi="echo hello"\n');
    host.writeFile('/etc/motd', 'Welcome to Flotilla\n');
    const s = interactive(host);
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'hi; echo $FROM_PROFILE')).toBe('hello\n1\n');
    const login = interactive(host, { FLOTILLA_LOGIN: '1' });
    await until(login.term, (o) => o === 'Welcome to Flotilla\n$ ');
  });

  it('keeps a numbered history', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    await run(s, 'echo one');
    await run(s, '');
    await run(s, 'for i in 1\ndo :; done'.split('\n')[0], '> ');
    await run(s, 'do :; done');
    expect(await run(s, 'history')).toBe('    1  echo one\n    2  for i in 1\ndo :; done\n    3  history\n');
  });

  it('runs `sh` typed at the terminal as a nested interactive shell with its own variables', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'sh')).toBe('');
    expect(await run(s, 'x=inner; echo $x')).toBe('inner\n');
    expect(await run(s, 'exit 3')).toBe('');
    expect(await run(s, 'echo $? ${x-unset}')).toBe('3 unset\n');
  });

  it('Ctrl-C abandons a read waiting at the terminal', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    s.term.type('read v; echo not reached\n');
    await delay(10);
    s.shell.interrupt();
    await until(s.term, (o) => o === '$ \n$ ');
    expect(await run(s, 'echo $?')).toBe('130\n');
  });

  it('does not hand FLOTILLA_LOGIN on to programs or nested shells', async () => {
    const host = new FakeHost();
    host.writeFile('/etc/motd', 'motd\n');
    const s = interactive(host, { FLOTILLA_LOGIN: '1' });
    await until(s.term, (o) => o === 'motd\n$ ');
    expect(await run(s, 'printenv FLOTILLA_LOGIN; sh -c "echo nested"')).toBe('nested\n');
  });

  it('passes COLUMNS and LINES to programs writing to the terminal', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'printenv COLUMNS LINES')).toBe('80\n24\n');
  });
});

describe('job control', () => {
  it('gives each foreground pipeline its own group and the terminal while it runs', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'seq 2 | cat')).toBe('1\n2\n');
    const [a, b] = s.host.processes;
    expect(a.pgid).toBe(a.pid);
    expect(b.pgid).toBe(a.pid);
    expect(s.host.foregroundLog).toEqual([a.pid, undefined]);
    await run(s, 'status 0');
    const c = s.host.processes[2];
    expect(c.pgid).toBe(c.pid);
    expect(s.host.foregroundLog).toEqual([a.pid, undefined, c.pid, undefined]);
  });

  it('Ctrl-C kills the foreground job: status 130 and a newline', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    s.term.type('forever\n');
    await started(s.host);
    const before = s.term.output.length;
    s.host.ctrlC(() => s.shell.interrupt());
    await until(s.term, (o) => o.length > before && o.endsWith('$ '));
    expect(s.term.output.slice(before)).toBe('\n$ ');
    expect(await run(s, 'echo $?')).toBe('130\n');
    expect(s.host.foreground).toBeUndefined();
  });

  it('Ctrl-C while the shell runs a builtin loop interrupts the shell itself', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    s.term.type('while :; do :; done; echo not reached\n');
    await delay(30);
    const before = s.term.output.length;
    s.host.ctrlC(() => s.shell.interrupt());
    await until(s.term, (o) => o.length > before && o.endsWith('$ '));
    expect(s.term.output.slice(before)).toBe('\n$ ');
    expect(await run(s, 'echo $?')).toBe('130\n');
  });

  it('Ctrl-C at the prompt drops the typed line', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    s.term.type('if true');
    await delay(10);
    s.shell.interrupt();
    await until(s.term, (o) => o === '$ \n$ ');
    expect(await run(s, 'echo ok')).toBe('ok\n');
  });

  it('starts background jobs with [n] pid and reports them Done at the next prompt', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'sleep 0.02 &')).toBe('[1] 200\n');
    expect(s.host.foregroundLog).toEqual([]);
    await delay(60);
    expect(await run(s, '')).toBe('[1]+  Done                    sleep 0.02\n');
    expect(await run(s, '')).toBe('');
  });

  it('lists, kills and waits for jobs', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'forever &')).toBe('[1] 200\n');
    expect(await run(s, 'forever &')).toBe('[2] 201\n');
    expect(await run(s, 'jobs')).toBe('[1]-  Running                 forever &\n[2]+  Running                 forever &\n');
    expect(await run(s, 'kill %1; wait %1; echo $?')).toBe('143\n');
    expect(await run(s, 'kill -9 201; wait 201; echo $?')).toBe('137\n');
    expect(await run(s, 'jobs; kill %9')).toBe('sh: kill: %9: no such job\n');
  });

  it('fg brings a job to the foreground and gives it the terminal', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    await run(s, 'forever &');
    s.term.type('fg %1\n');
    await until(s.term, (o) => o.endsWith('forever\n'));
    expect(s.host.foreground).toBe(200);
    s.host.ctrlC(() => s.shell.interrupt());
    await until(s.term, (o) => o.endsWith('forever\n\n$ '));
    expect(s.host.foregroundLog).toEqual([200, undefined]);
    expect(await run(s, 'echo $?; jobs')).toBe('130\n');
  });

  it('kill -l lists signals and translates statuses', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    const list = await run(s, 'kill -l');
    expect(list).toContain(' 2) SIGINT\n');
    expect(list).toContain(' 9) SIGKILL\n');
    expect(await run(s, 'kill -l 130; kill -l TERM')).toBe('INT\n15\n');
    expect(await run(s, 'kill 4242')).toBe('sh: kill: (4242) - No such process\n');
  });

  it('background jobs of builtins only can be killed too', async () => {
    const s = interactive();
    await until(s.term, (o) => o === '$ ');
    expect(await run(s, 'while :; do :; done &')).toMatch(/^\[1\] \d+\n$/);
    expect(await run(s, 'kill %1; wait %1; echo $?')).toBe('143\n');
  });
});
