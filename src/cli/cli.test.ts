// The CLI as a user runs it: `node bin/flotilla.mjs ...` in a child process.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { compileC } from '../../scripts/wasi-cc.mjs';
import { parseArgs, UsageError } from './args';

const run = promisify(execFile);
const BIN = join(__dirname, '../../bin/flotilla.mjs');

async function flotilla(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

const EDITOR_C = `
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  // Appends its first argument to /data/notes.txt and removes /data/old.txt.
  FILE *f = fopen("/data/notes.txt", "a");
  if (!f) { perror("open"); return 1; }
  fprintf(f, "%s\\n", argc > 1 ? argv[1] : "none");
  fclose(f);
  unlink("/data/old.txt");
  FILE *n = fopen("/data/sub/new.txt", "w");
  if (!n) { perror("new"); return 1; }
  fputs("created in the container\\n", n);
  fclose(n);
  return 0;
}`;

describe('flotilla CLI', () => {
  it('runs an image with args and env, wiring stdout and the exit code', async () => {
    const result = await flotilla(['run', '--env', 'WHO=cli', 'hello', '--exit', '7', 'x']);
    expect(result.code).toBe(7);
    expect(result.stdout).toContain('argv[3]=x');
    expect(result.stdout).toContain('=WHO=cli');
  });

  it('pipes stdin through to the program', async () => {
    const result = await flotilla(['run', 'interactive', '--no-prompt'], 'one\ntwo\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('you said: two (line 2)');
  });

  it('runs a local .wasm with --dir HOST::GUEST and writes changes back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-cli-'));
    const wasm = await compileC({ 'editor.c': EDITOR_C }, ['editor.c']);
    await writeFile(join(dir, 'editor.wasm'), wasm);
    const data = join(dir, 'data');
    await mkdir(join(data, 'sub'), { recursive: true });
    await writeFile(join(data, 'notes.txt'), 'first\n');
    await writeFile(join(data, 'old.txt'), 'to be removed\n');
    const result = await flotilla(['run', '--dir', `${data}::/data`, join(dir, 'editor.wasm'), 'second']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await readFile(join(data, 'notes.txt'), 'utf8')).toBe('first\nsecond\n');
    expect(await readFile(join(data, 'sub/new.txt'), 'utf8')).toBe('created in the container\n');
    expect((await readdir(data)).sort()).toEqual(['notes.txt', 'sub']);
  });

  it('prints a trap to stderr and exits non-zero', async () => {
    const result = await flotilla(['run', 'crash', 'trap']);
    expect(result.code).toBe(134);
    expect(result.stderr).toMatch(/the program trapped: unreachable/);
  });

  it('reports an unknown image, a bad wasm file and a usage error clearly', async () => {
    const unknown = await flotilla(['run', 'nope']);
    expect(unknown.code).toBe(125);
    expect(unknown.stderr).toMatch(/nope/);
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-cli-'));
    await writeFile(join(dir, 'bad.wasm'), 'not wasm at all');
    const bad = await flotilla(['run', join(dir, 'bad.wasm')]);
    expect(bad.code).toBe(125);
    expect(bad.stderr).toMatch(/invalid|magic|wasm/i);
    const usage = await flotilla(['run', '--env', 'NOEQUALS', 'hello']);
    expect(usage.code).toBe(125);
    expect(usage.stderr).toMatch(/KEY=VALUE/);
  });

  it('applies --memory, --cpu-time and --cpus, and reports bad values', async () => {
    const oom = await flotilla(['run', '--memory', '16m', 'crash', 'oom']);
    expect(oom.code).toBe(137);
    expect(oom.stderr).toMatch(/malloc failed after 1[0-5] MiB/);
    const spent = await flotilla(['run', '--cpu-time=100', '--cpus', '0.5', 'crash', 'spin']);
    expect(spent.code).toBe(152);
    const bad = await flotilla(['run', '-m', 'lots', 'hello']);
    expect(bad.code).toBe(125);
    expect(bad.stderr).toMatch(/invalid option memory/);
    expect((await flotilla(['run', '--cpus', 'x', 'hello'])).code).toBe(125);
  });

  it('lists images', async () => {
    const result = await flotilla(['images']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^IMAGE\s+IMAGE ID\s+SIZE\s+COMMAND/);
    expect(result.stdout).toMatch(/\nhello\s+[0-9a-f]{12}\s/);
  });
});

describe('parseArgs', () => {
  it('keeps options after the image for the program', () => {
    expect(parseArgs(['run', '-e', 'A=1', '--dir', './x', 'hello', '--exit', '3'])).toEqual({
      kind: 'run', target: 'hello', args: ['--exit', '3'], env: ['A=1'], dirs: [{ host: './x', guest: '/x' }], name: undefined, interactive: false,
    });
    expect(parseArgs(['run', '--dir=/h::/g', 'p.wasm'])).toMatchObject({ dirs: [{ host: '/h', guest: '/g' }] });
    expect(parseArgs(['run', '-m', '64m', '--cpus=0.5', '--cpu-time', '2000', 'hello'])).toMatchObject({ quotas: { memory: '64m', cpus: 0.5, cpuTimeMs: 2000 } });
    expect(() => parseArgs(['run', '--cpus', 'half', 'hello'])).toThrow(/--cpus expects a number/);
    expect(() => parseArgs(['run'])).toThrow(UsageError);
    expect(() => parseArgs(['frobnicate'])).toThrow(/unknown command/);
  });
});

void run;
