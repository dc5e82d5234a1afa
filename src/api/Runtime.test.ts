// The library API end to end in Node: real images, real worker threads,
// real WASI layer and file system.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerNotFoundError, InvalidStateError, InvalidWasmError, MissingImportsError, NameInUseError, Runtime, UnknownImageError, type RuntimeEvent } from './index';

let rt: Runtime;

beforeAll(async () => {
  rt = await Runtime.create({ poolSize: 4 });
});

afterAll(async () => {
  await rt?.dispose();
});

describe('Runtime', () => {
  it('runs hello with args and env, captures output and the exit code', async () => {
    const c = await rt.run('hello', { args: ['--exit', '3', 'world'], env: { FOO: 'bar' } });
    const status = await c.wait();
    expect(status).toMatchObject({ exitCode: 3, reason: 'exited', oomKilled: false });
    const out = c.output({ stderr: false });
    expect(out).toContain('Hello from Flotilla!');
    expect(out).toContain('argv[0]=/bin/hello');
    expect(out).toContain('argv[3]=world');
    expect(out).toMatch(/env\[\d+\]=FOO=bar/);
    expect(out).toMatch(/env\[\d+\]=GREETING=Hello from Flotilla/);
    expect(c.state).toBe('exited');
  });

  it('separates stdout and stderr', async () => {
    const c = await rt.run('hello', { args: ['--quiet', '--stderr', 'oops'] });
    await c.wait();
    expect(c.output({ stdout: false })).toBe('oops\n');
    expect(c.output({ stderr: false })).toBe('');
  });

  it('emits typed events in order: created, started, log lines, exited', async () => {
    const events: RuntimeEvent[] = [];
    const off = rt.onEvent((event) => events.push(event));
    const c = await rt.run('hello', { args: ['--quiet', '--stderr', 'line'] });
    await c.wait();
    off();
    const mine = events.filter((event) => 'id' in event && event.id === c.id).map((event) => event.type);
    expect(mine).toEqual(['created', 'started', 'log', 'exited']);
    expect(events.find((event) => event.type === 'log' && event.id === c.id)).toMatchObject({ stream: 'stderr', line: 'line' });
  });

  it('feeds stdin to an interactive program that blocks until data or EOF', async () => {
    const c = await rt.run('interactive', { openStdin: true });
    const lines: string[] = [];
    c.onLog((chunk) => lines.push(new TextDecoder().decode(chunk.data)));
    c.stdin.write('first\n');
    await until(() => c.output().includes('you said: first'));
    expect(c.state).toBe('running'); // blocked reading stdin, not ended
    c.stdin.write('second\n');
    c.stdin.close();
    const status = await c.wait();
    expect(status.exitCode).toBe(0);
    expect(c.output()).toContain('you said: second');
  });

  it('passes initial stdin and closes it', async () => {
    const c = await rt.run('interactive', { stdin: 'a\nb\n' });
    expect((await c.wait()).exitCode).toBe(0);
    expect(c.output()).toContain('you said: a');
    expect(c.output()).toContain('you said: b');
  });

  it('streams large stdin through the bounded ring without losing bytes', async () => {
    const line = `${'x'.repeat(99)}\n`;
    const c = await rt.run('interactive', { openStdin: true });
    for (let i = 0; i < 2000; i++) c.stdin.write(line); // 200 KB > the 64 KiB ring
    c.stdin.close();
    expect((await c.wait()).exitCode).toBe(0);
    expect(c.output().split('you said: ').length - 1).toBe(2000);
  });

  it('keeps each container\'s files private', async () => {
    const containers = await Promise.all(Array.from({ length: 10 }, (_, i) => rt.run('fileio', { args: ['write', '/tmp/own.txt', `container ${i}`] })));
    for (const c of containers) expect((await c.wait()).exitCode).toBe(0);
    for (const [i, c] of containers.entries()) {
      expect(new TextDecoder().decode(await c.readFile('/tmp/own.txt'))).toBe(`container ${i}`);
    }
    const fresh = await rt.run('fileio', { args: ['cat', '/tmp/own.txt'] });
    expect((await fresh.wait()).exitCode).not.toBe(0);
  });

  it('writes files into a container before it starts and reads them back (docker cp)', async () => {
    const c = await rt.create('fileio', { args: ['cat', '/data/in.txt'], files: { '/data/in.txt': 'from the host' } });
    await c.start();
    await c.wait();
    expect(c.output()).toContain('from the host');
    await c.writeFile('/data/second.txt', 'two');
    expect(await c.listDir('/data')).toEqual(expect.arrayContaining(['in.txt', 'second.txt']));
  });

  it('reads and writes files of a running container whose program is blocked on stdin', async () => {
    const c = await rt.run('interactive', { openStdin: true });
    await until(() => c.output().length > 0);
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff); // several mailbox chunks
    await c.writeFile('/tmp/big.bin', big);
    expect(await c.readFile('/tmp/big.bin')).toEqual(big);
    expect(await c.listDir('/tmp')).toContain('big.bin');
    expect(c.state).toBe('running');
    await expect(c.readFile('/no/such/file')).rejects.toThrow(/no such file/);
    const tree = await c.readTree('/tmp');
    expect(tree.find((entry) => entry.path === '/big.bin')?.data?.length).toBe(big.length);
    c.stdin.close();
    expect((await c.wait()).exitCode).toBe(0);
  });

  it('reports a trap with its message and wasm stack, and keeps running others', async () => {
    const c = await rt.run('crash', { args: ['trap'] });
    const status = await c.wait();
    expect(status.reason).toBe('trapped');
    expect(status.exitCode).toBe(134);
    expect(status.message).toMatch(/unreachable/i);
    expect(status.stack).toMatch(/wasm/);
    const after = await rt.run('hello', { args: ['--quiet'] });
    expect((await after.wait()).exitCode).toBe(0);
  });

  it('kills a program blocked in a syscall at once, with SIGKILL semantics', async () => {
    const c = await rt.run('interactive', { openStdin: true });
    await until(() => c.output().length > 0);
    await c.kill();
    const status = await c.wait();
    expect(status).toMatchObject({ reason: 'killed', signal: 'SIGKILL', exitCode: 137 });
    expect(c.state).toBe('exited');
  });

  it('stops gracefully with SIGTERM (exit 143)', async () => {
    const c = await rt.run('interactive', { openStdin: true });
    const status = await c.stop({ timeoutMs: 5000 });
    expect(status).toMatchObject({ reason: 'killed', signal: 'SIGTERM', exitCode: 143 });
  });

  it('kills a spinning loop that makes no syscalls at once (instrumented loops), keeping its worker', async () => {
    const c = await rt.run('crash', { args: ['spin'] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await c.kill();
    const status = await c.wait();
    expect(status).toMatchObject({ reason: 'killed', exitCode: 137 });
    expect(c.state).toBe('exited');
    await c.start(); // the same worker runs it again
    await c.kill();
    expect((await c.wait()).exitCode).toBe(137);
    const after = await rt.run('hello', { args: ['--quiet'] });
    expect((await after.wait()).exitCode).toBe(0);
  });

  it('restarts an exited container keeping its writable layer', async () => {
    const c = await rt.create('fileio', { args: ['append', '/tmp/log', 'x'] });
    await c.start();
    await c.wait();
    await c.restart();
    await c.wait();
    expect(new TextDecoder().decode(await c.readFile('/tmp/log'))).toBe('xx');
    expect(c.info().restartCount).toBe(1);
  });

  it('enforces the state machine and names', async () => {
    const c = await rt.create('interactive', { name: 'unique-name', openStdin: true });
    expect(c.state).toBe('created');
    await expect(rt.create('hello', { name: 'unique-name' })).rejects.toBeInstanceOf(NameInUseError);
    await c.start();
    await expect(c.start()).rejects.toBeInstanceOf(InvalidStateError);
    await expect(c.remove()).rejects.toThrow(/running/);
    await c.remove({ force: true });
    expect(() => rt.get('unique-name')).toThrow(ContainerNotFoundError);
    expect(() => rt.get(c.id)).toThrow(/No such container/);
  });

  it('finds containers by id prefix and name, lists running and all', async () => {
    const c = await rt.run('interactive', { name: 'lister', openStdin: true });
    expect(rt.get(c.id.slice(0, 12)).id).toBe(c.id);
    expect(rt.list().map((info) => info.name)).toContain('lister');
    c.stdin.close();
    await c.wait();
    expect(rt.list().map((info) => info.name)).not.toContain('lister');
    expect(rt.list({ all: true }).map((info) => info.name)).toContain('lister');
  });

  it('rejects unknown images, invalid wasm and missing imports with typed errors', async () => {
    await expect(rt.run('no-such-image')).rejects.toBeInstanceOf(UnknownImageError);
    await expect(rt.importProgram('junk', new Uint8Array([0, 97, 115, 109, 9, 9]))).rejects.toBeInstanceOf(InvalidWasmError);
    // (module (import "env" "surprise" (func)) (func (export "_start")))
    const importsEnv = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 16, 1, 3, 101, 110, 118, 8, 115, 117, 114, 112, 114, 105, 115, 101, 0, 0, 3, 2, 1, 0, 7, 10, 1, 6, 95, 115, 116, 97, 114, 116, 0, 1, 10, 4, 1, 2, 0, 11]);
    const error = await rt.importProgram('surprise', importsEnv).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingImportsError);
    expect(String((error as Error).message)).toContain('env.surprise');
  });

  it('runs the ruby image (a WASI reactor) through its driver, with stdin', async () => {
    const c = await rt.run('ruby', { args: ['-e', 'puts STDIN.read.split.map(&:to_i).sum'], stdin: '1 2 3\n' });
    const status = await c.wait();
    expect(c.output({ stdout: false })).toBe('');
    expect(status.exitCode).toBe(0);
    expect(c.output()).toBe('6\n');
    const failing = await rt.run('ruby', { args: ['-e', 'raise "boom"'] });
    expect((await failing.wait()).exitCode).toBe(1);
    expect(failing.output({ stdout: false })).toMatch(/boom \(RuntimeError\)/);
  }, 60_000);

  it('run() rejects a container whose files cannot be set up, and leaves nothing behind', async () => {
    const before = rt.list({ all: true }).length;
    const events: string[] = [];
    const off = rt.onEvent((event) => events.push(event.type));
    await expect(rt.run('hello', { name: 'bad-files', files: { '/etc/motd/inside-a-file': 'x' } })).rejects.toThrow(/cannot prepare the container's file system/);
    off();
    expect(rt.list({ all: true }).length).toBe(before);
    expect(() => rt.get('bad-files')).toThrow(ContainerNotFoundError);
    expect(events).not.toContain('exited');
    expect(events.at(-1)).toBe('removed');
  });

  it('lists images with their config', async () => {
    const images = await rt.images();
    const hello = images.find((image) => image.name === 'hello');
    expect(hello?.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hello?.entrypoint).toEqual(['/bin/hello']);
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
