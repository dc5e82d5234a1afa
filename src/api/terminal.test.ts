// A learner's terminal session, end to end in Node: the base image's
// built-in shell as the container's main process, coreutils from /bin/box
// in process workers, pipes between them, the TTY device in front.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime, type Container } from './index';

let rt: Runtime;

beforeAll(async () => {
  rt = await Runtime.create({ poolSize: 2 });
});

afterAll(async () => {
  await rt?.dispose();
});

/** Starts a terminal container and collects everything it prints. */
async function terminal(): Promise<{ c: Container; screen: () => string; type: (text: string) => void; waitFor: (text: string | RegExp, timeoutMs?: number) => Promise<void> }> {
  const c = await rt.run('base', { tty: true });
  let text = '';
  c.tty!.onOutput((data) => { text += new TextDecoder().decode(data); });
  const screen = () => text;
  const waitFor = async (pattern: string | RegExp, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    const matches = () => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
    while (!matches()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen:\n${text}`);
      if (c.state !== 'running') throw new Error(`the container ended (${JSON.stringify(c.info().exit)}); screen:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { c, screen, type: (input) => c.tty!.input(input), waitFor };
}

describe('terminal container (base image)', () => {
  it('prompts, runs a pipeline of coreutils and redirections, and exits', async () => {
    const t = await terminal();
    await t.waitFor('# ');
    t.type('echo hello world | cat\n');
    await t.waitFor('hello world\n');
    t.type('echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f | wc -l\n');
    await t.waitFor(/\b2\n/);
    t.type('ls /tmp\n');
    await t.waitFor(/\bf\n/);
    t.type('exit 3\n');
    expect((await t.c.wait()).exitCode).toBe(3);
  });

  it('ends `yes | head -n 3` at once (SIGPIPE) and reports missing commands with 127', async () => {
    const t = await terminal();
    await t.waitFor('# ');
    t.type('yes | head -n 3; echo "done $?"\n');
    await t.waitFor('done 0');
    expect(t.screen()).toContain('y\ny\ny\ndone 0');
    t.type('nosuchcommand; echo "status $?"\n');
    await t.waitFor('status 127');
    expect(t.screen()).toContain('sh: nosuchcommand: not found');
    t.type('exit\n');
    await t.c.wait();
  });

  it('interrupts a foreground program with Ctrl-C (status 130) and keeps the shell', async () => {
    const t = await terminal();
    await t.waitFor('# ');
    t.type('sleep 100\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    t.c.tty!.signal(2);
    t.type('echo "after $?"\n');
    await t.waitFor('after 130');
    t.type('exit\n');
    await t.c.wait();
  });

  it('gives a program the terminal\'s stdin and EOF on Ctrl-D', async () => {
    const t = await terminal();
    await t.waitFor('# ');
    t.type('cat\n');
    t.type('line one\n');
    await t.waitFor('line one\n'); // cat's copy (echo is the terminal's line discipline, not the kernel's)
    t.c.tty!.eof();
    t.type('echo "cat ended $?"\n');
    await t.waitFor('cat ended 0');
    t.type('exit\n');
    await t.c.wait();
  });

  it('runs ruby (CRuby\'s WASI build on our WASI layer): -e, a script with ARGV, and stdin', async () => {
    const t = await terminal();
    await t.waitFor('# ');
    t.type(`ruby -e 'puts 6*7'\n`);
    await t.waitFor('42\n', 60_000);
    t.type(`printf 'puts ARGV.join(",")\\nputs STDIN.read.upcase\\n' > /tmp/s.rb; echo hello | ruby /tmp/s.rb a b\n`);
    await t.waitFor('a,b\nHELLO\n', 60_000);
    t.type('exit\n');
    await t.c.wait();
  }, 120_000);

  it('shows the container through /proc: ps, uname, hostname, free, and the terminal size', async () => {
    const t = await terminal();
    t.c.tty!.resize(100, 30);
    await t.waitFor(`root@${t.c.id.slice(0, 12)}:~# `); // HOSTNAME, as Docker sets it
    t.type('ps\n');
    await t.waitFor(/PID TTY\s+TIME CMD\n\s+1 pts\/0\s+00:00:00 sh\n\s+\d+ pts\/0\s+00:00:00 ps\n/);
    t.type('hostname; uname -sm\n');
    await t.waitFor(`${t.c.id.slice(0, 12)}\nFlotilla wasm32\n`);
    t.type('free -m | head -2 | tail -1\n');
    await t.waitFor(/Mem:\s+256\s/); // the container's memory limit (default 256 MiB)
    t.type('stty size; env | grep -E "^(COLUMNS|LINES)=" | sort\n');
    await t.waitFor('30 100\nCOLUMNS=100\nLINES=30\n');
    t.type('cat /proc/1/cmdline | tr "\\000" " "; echo\n');
    await t.waitFor('/bin/sh \n');
    t.type('exit\n');
    await t.c.wait();
  });

  it('execs a second shell with a terminal of its own, and plain commands, into the running container', async () => {
    const t = await terminal();
    await t.waitFor('# ');
    t.type('echo shared > /tmp/from-main\n');
    const session = await t.c.exec(['sh'], { tty: true });
    let screen = '';
    session.tty!.onOutput((data) => { screen += new TextDecoder().decode(data); });
    session.tty!.input('cat /tmp/from-main; ps | grep -c sh\n');
    const deadline = Date.now() + 15_000;
    while (!/shared\n2\n/.test(screen) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(screen).toMatch(/shared\n2\n/);
    expect(t.screen()).not.toContain('shared\n2'); // the session's output is its own
    expect(await session.tty!.complete('ech', 3)).toContain('echo');
    session.tty!.input('exit 4\n');
    expect(await session.wait()).toBe(4);
    const ls = await t.c.exec(['ls', '/etc']);
    expect(await ls.wait()).toBe(0);
    expect(ls.output()).toContain('passwd');
    const missing = await t.c.exec(['no-such-program']);
    await expect(missing.wait()).rejects.toThrow(/not found/);
    t.type('exit\n');
    await t.c.wait();
  });

  it('refuses exec into a container whose only program owns its worker, and into a stopped one', async () => {
    const c = await rt.run('interactive', { openStdin: true });
    await expect(c.exec(['ls'])).rejects.toThrow(/cannot exec in container .*single program/);
    c.stdin.close();
    await c.wait();
    await expect(c.exec(['ls'])).rejects.toThrow(/exited/);
  });

  it('completes commands and paths from the shell', async () => {
    const t = await terminal();
    await t.waitFor('# ');
    expect(await t.c.tty!.complete('ech', 3)).toContain('echo');
    expect(await t.c.tty!.complete('ls /et', 6)).toContain('/etc/');
    t.type('exit\n');
    await t.c.wait();
  });
});
