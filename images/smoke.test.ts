// Smoke test of the built binaries under Node's own WASI (node:wasi): proves
// the C programs do what their usage says. The runtime's WASI layer is
// src/wasi; this only checks the images are right, loaded the same way the
// runtime loads them (ImageStore over build/images).
import { mkdtempSync, openSync, closeSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WASI } from 'node:wasi';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageStore, type LoadedImage } from '../src/images/ImageStore';
import { NodeImageSource } from '../src/images/NodeImageSource';
import { compileWasm } from '../src/images/wasm';

const store = new ImageStore(new NodeImageSource(resolve(__dirname, '../build/images')));
const modules = new Map<string, { image: LoadedImage; module: WebAssembly.Module }>();

interface Run { code?: number; trap?: string; stdout: string; stderr: string }

async function run(image: string, args: string[], options: { stdin?: string; env?: Record<string, string>; root?: string } = {}): Promise<Run> {
  const { image: loaded, module } = modules.get(image)!;
  const dir = mkdtempSync(join(tmpdir(), `flotilla-${image}-`));
  const root = options.root ?? join(dir, 'root');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(dir, 'stdin'), options.stdin ?? '');
  const fds = [openSync(join(dir, 'stdin'), 'r'), openSync(join(dir, 'stdout'), 'w'), openSync(join(dir, 'stderr'), 'w')] as const;
  const wasi = new WASI({
    version: 'preview1',
    args: [loaded.config.Entrypoint[0]!, ...args],
    env: options.env ?? {},
    preopens: { '/': root },
    stdin: fds[0], stdout: fds[1], stderr: fds[2],
    returnOnExit: true,
  });
  const result: Run = { stdout: '', stderr: '' };
  try {
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports);
    result.code = wasi.start(instance);
  } catch (error) {
    result.trap = String(error);
  } finally {
    fds.forEach((fd) => closeSync(fd));
  }
  result.stdout = readFileSync(join(dir, 'stdout'), 'utf8');
  result.stderr = readFileSync(join(dir, 'stderr'), 'utf8');
  return result;
}

beforeAll(async () => {
  for (const name of ['hello', 'fileio', 'interactive', 'crash']) {
    const image = await store.get(name);
    const program = image.config.Entrypoint[0]!;
    const entry = image.layers[0]!.entries.find((item) => item.path === program)!;
    modules.set(name, { image, module: await compileWasm(entry.data!, program) });
  }
});

describe('hello', () => {
  it('greets, prints argv and env, writes --stderr, exits with --exit', async () => {
    const result = await run('hello', ['--exit', '3', '--stderr', 'oops', 'x y'], { env: { GREETING: 'hi', A: 'b=c' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe([
      'Hello from Flotilla!', 'argc=6', 'argv[0]=/bin/hello', 'argv[1]=--exit', 'argv[2]=3', 'argv[3]=--stderr',
      'argv[4]=oops', 'argv[5]=x y', 'env[0]=GREETING=hi', 'env[1]=A=b=c', 'envc=2', '',
    ].join('\n'));
    expect(result.stderr).toBe('oops\n');
  });

  it('exits 0 by default and 2 on a bad --exit', async () => {
    expect((await run('hello', [])).code).toBe(0);
    const bad = await run('hello', ['--exit', '256']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('hello: --exit needs a number from 0 to 255\n');
  });
});

describe('fileio', () => {
  it('writes, appends, reads, lists, stats, renames, links and removes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'flotilla-fileio-root-'));
    const script = [
      'mkdir', '/d', ';', 'write', '/d/a.txt', 'hello', ';', 'append', '/d/a.txt', ' world\n', ';', 'cat', '/d/a.txt', ';',
      'stat', '/d/a.txt', ';', 'symlink', 'a.txt', '/d/link', ';', 'readlink', '/d/link', ';', 'mkdir', '/d/sub', ';',
      'ls', '/d', ';', 'mv', '/d/a.txt', '/d/b.txt', ';', 'rm', '/d/link', ';', 'ls', '/d', ';', 'stat', '/d',
    ];
    const result = await run('fileio', script, { root });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // readlink prints "a.txt" just before the first ls; a directory's size is the host's.
    expect(result.stdout).toMatch(/^hello world\nsize=12 type=file\na\.txt\na\.txt\nlink@\nsub\/\nb\.txt\nsub\/\nsize=\d+ type=directory\n$/);
    expect(readFileSync(join(root, 'd/b.txt'), 'utf8')).toBe('hello world\n');
  });

  it('fails with a perror-style message and status 1, stopping at the failure', async () => {
    const result = await run('fileio', ['cat', '/missing', ';', 'write', '/after', 'x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('fileio: cat /missing: No such file or directory\n');
    expect((await run('fileio', ['rm', '/nope'])).stderr).toBe('fileio: rm /nope: No such file or directory\n');
  });

  it('rejects bad command lines with status 2 before doing anything', async () => {
    const root = mkdtempSync(join(tmpdir(), 'flotilla-fileio-root-'));
    const result = await run('fileio', ['mkdir', '/x', ';', 'frobnicate'], { root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^fileio: unknown command 'frobnicate'\nusage:/);
    expect((await run('fileio', ['ls', '/'], { root })).stdout).toBe('');
    expect((await run('fileio', ['write', '/x'])).code).toBe(2);
  });
});

describe('interactive', () => {
  it('answers each line and summarises at end of input', async () => {
    const result = await run('interactive', [], { stdin: 'hello\nworld\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('> you said: hello (line 1)\n> you said: world (line 2)\n> \nbye: 2 lines, 12 bytes\n');
  });

  it('exits with the status of an "exit N" line', async () => {
    const result = await run('interactive', ['--no-prompt'], { stdin: 'a\nexit 7\nnever read\n' });
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('you said: a (line 1)\nexiting with 7 after 2 lines\n');
  });
});

describe('crash', () => {
  it.each([
    ['trap', /unreachable/],
    ['abort', /unreachable/],
    ['oob', /memory access out of bounds/],
    ['divzero', /divide by zero/],
    ['stack', /memory access out of bounds/],
  ])('%s traps', async (mode, message) => {
    const result = await run('crash', [mode]);
    expect(result.code).toBeUndefined();
    expect(result.trap).toMatch(message);
  });

  it('oom reports malloc failure at the 64 MiB cap and exits 3; oom-abort traps', async () => {
    const graceful = await run('crash', ['oom']);
    expect(graceful.code).toBe(3);
    expect(graceful.stderr).toMatch(/^crash: out of memory: malloc failed after 6\d MiB\n$/);
    const abort = await run('crash', ['oom-abort']);
    expect(abort.trap).toMatch(/unreachable/);
    expect(abort.stderr).toMatch(/out of memory/);
  });

  it('sleeps, exits with N, and rejects unknown modes', async () => {
    const started = Date.now();
    const slept = await run('crash', ['sleep', '0.2']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(slept).toMatchObject({ code: 0, stdout: 'slept 0.2\n' });
    expect((await run('crash', ['exit', '9'])).code).toBe(9);
    const bad = await run('crash', ['bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^crash: unknown mode 'bogus'/);
  });
});
