// The system applets of box (images/base/box/sys) run as real WASI
// programs through the public API: exact output and exit codes. /proc
// readers get a fixture tree through FLOTILLA_PROC (box/sys/util.c), so
// their parsers are tested independently of the runtime's /proc.
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/api';
import type { ContainerOptions } from '../../src/api/types';

let rt: Awaited<ReturnType<typeof Runtime.create>>;

beforeAll(async () => {
  rt = await Runtime.create();
});

afterAll(async () => {
  await rt?.dispose();
});

const PROC = '/fixtures/proc';

/** A small container: pid 1 the shell on pts/0, 7 with an awkward name, 42 running top. */
const PROC_FILES: Record<string, string> = {
  [`${PROC}/uptime`]: '3725.50 3000.00\n',
  [`${PROC}/loadavg`]: '0.25 0.10 0.05 1/3 42\n',
  [`${PROC}/meminfo`]: [
    'MemTotal:         524288 kB', 'MemFree:          400000 kB', 'MemAvailable:     450000 kB',
    'Buffers:               0 kB', 'Cached:            20480 kB', 'SwapTotal:             0 kB',
    'SwapFree:              0 kB', '',
  ].join('\n'),
  [`${PROC}/mounts`]: 'overlay / overlay rw 0 0\nproc /proc proc ro 0 0\n',
  [`${PROC}/diskusage`]: '/ 67108864 1048576 66060288 1000 20\n/proc 0 0 0 0 0\n',
  [`${PROC}/sys/kernel/ostype`]: 'Flotilla\n',
  [`${PROC}/sys/kernel/hostname`]: 'box1\n',
  [`${PROC}/sys/kernel/osrelease`]: '1.0.0\n',
  [`${PROC}/sys/kernel/version`]: '#1 Flotilla\n',
  [`${PROC}/1/stat`]: `1 (sh) S 0 1 1 34816 1 0 0 0 0 0 150 50 0 0 20 0 1 0 10 8388608 512${' 0'.repeat(28)}\n`,
  [`${PROC}/1/cmdline`]: '/bin/sh\0',
  [`${PROC}/1/status`]: 'Name:\tsh\nState:\tS (sleeping)\nPid:\t1\nPPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n',
  [`${PROC}/7/stat`]: `7 (my) prog) S 1 7 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 200 1048576 16${' 0'.repeat(28)}\n`,
  [`${PROC}/7/cmdline`]: '',
  [`${PROC}/7/status`]: 'Name:\tmy) prog\nUid:\t1000\t1000\t1000\t1000\n',
  [`${PROC}/42/stat`]: `42 (top) R 1 42 1 34816 42 0 0 0 0 0 5 5 0 0 20 0 1 0 300000 2097152 128${' 0'.repeat(28)}\n`,
  [`${PROC}/42/cmdline`]: 'top\0-b\0',
  [`${PROC}/42/status`]: 'Name:\ttop\nUid:\t0\t0\t0\t0\n',
  [`${PROC}/self`]: 'not a process\n',
};

interface Result {
  code: number;
  out: string;
  err: string;
  bytes: Uint8Array;
  container: Awaited<ReturnType<typeof rt.run>>;
}

function concat(chunks: readonly { data: Uint8Array }[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.data.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk.data, offset);
    offset += chunk.data.length;
  }
  return out;
}

async function run(argv: string[], options: ContainerOptions = {}): Promise<Result> {
  const env = { FLOTILLA_PROC: PROC, ...(options.env as Record<string, string> | undefined) };
  const container = await rt.run('base', { ...options, entrypoint: [argv[0]!], args: argv.slice(1), env });
  const status = await container.wait();
  return {
    code: status.exitCode,
    out: container.output({ stderr: false }),
    err: container.output({ stdout: false }),
    bytes: concat(container.logs({ stderr: false })),
    container,
  };
}

const withProc = (files: Record<string, string | Uint8Array> = {}): ContainerOptions => ({ files: { ...PROC_FILES, ...files } });

describe('true, false, yes, sleep, clear', () => {
  it('exit with 0 and 1', async () => {
    expect((await run(['/bin/true', 'ignored'])).code).toBe(0);
    expect((await run(['/bin/false'])).code).toBe(1);
  });

  it('yes repeats y (or its arguments) until stopped', async () => {
    const c = await rt.run('base', { entrypoint: ['/bin/yes'], args: ['hi', 'there'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await c.kill('SIGKILL');
    await c.wait();
    // The log buffer is bounded and keeps the latest output: ignore the partial first and last lines.
    const lines = c.output({ stderr: false }).split('\n').slice(1, -1);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.every((line) => line === 'hi there')).toBe(true);
  });

  it('sleep accepts fractions and suffixes, sums its arguments, rejects junk', async () => {
    const started = Date.now();
    const ok = await run(['/bin/sleep', '0.1', '0.002m']);
    expect(ok.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(220);
    const bad = await run(['/bin/sleep', '1x']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe("sleep: invalid time interval '1x'\nTry 'sleep --help' for more information.\n");
    expect((await run(['/bin/sleep'])).err).toBe("sleep: missing operand\nTry 'sleep --help' for more information.\n");
  });

  it('clear homes the cursor and erases the screen and scrollback', async () => {
    expect((await run(['/bin/clear'])).out).toBe('\x1b[H\x1b[2J\x1b[3J');
  });
});

describe('date', () => {
  it('prints the default format, +FORMAT and -d @EPOCH in UTC', async () => {
    expect((await run(['/bin/date', '-u', '-d', '@0'])).out).toBe('Thu Jan  1 00:00:00 UTC 1970\n');
    expect((await run(['/bin/date', '-d', '@1700000000', '+%Y-%m-%dT%H:%M:%S %a %-d %j %s'])).out)
      .toBe('2023-11-14T22:13:20 Tue 14 318 1700000000\n');
    expect((await run(['/bin/date', '-d', '2024-02-29 12:30', '+%F %R'])).out).toBe('2024-02-29 12:30\n');
    expect((await run(['/bin/date', '-I', '-d', '@86400'])).out).toBe('1970-01-02\n');
  });

  it('prints the current time', async () => {
    const { out, code } = await run(['/bin/date', '+%s']);
    expect(code).toBe(0);
    expect(Math.abs(Number(out) - Date.now() / 1000)).toBeLessThan(60);
    expect((await run(['/bin/date'])).out).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}\n$/);
  });

  it('rejects bad dates', async () => {
    const bad = await run(['/bin/date', '-d', 'next blursday']);
    expect(bad).toMatchObject({ code: 1, err: "date: invalid date 'next blursday'\n" });
  });
});

describe('env', () => {
  it('prints the environment, with -i, -u and NAME=VALUE', async () => {
    expect((await run(['/bin/env', '-i', 'A=1', 'B=two words'])).out).toBe('A=1\nB=two words\n');
    const all = await run(['/bin/env', '-u', 'HOME', 'EXTRA=yes']);
    expect(all.out).toContain('PATH=/usr/local/bin:/usr/bin:/bin\n');
    expect(all.out).toContain('EXTRA=yes\n');
    expect(all.out).not.toContain('HOME=');
  });

  it('runs COMMAND through proc_spawn with the new environment and passes on its status', async () => {
    const child = await run(['/bin/env', '-i', 'A=1', 'env']);
    expect(child.code).toBe(0);
    expect(child.out).toContain('A=1\n');
    expect(child.out).not.toContain('PATH=');
    expect((await run(['/bin/env', '/bin/false'])).code).toBe(1);
    expect((await run(['/bin/env', 'sh', '-c', 'exit 7'])).code).toBe(7);
  });

  it('reports a missing command with status 127', async () => {
    const missing = await run(['/bin/env', 'X=1', 'no-such-command']);
    expect(missing).toMatchObject({ code: 127, err: "env: 'no-such-command': No such file or directory\n" });
  });
});

describe('basename and dirname', () => {
  it('follow GNU rules', async () => {
    expect((await run(['/bin/basename', '/usr/lib/libc.so', '.so'])).out).toBe('libc\n');
    expect((await run(['/bin/basename', '-a', 'a/b/', '/', 'c.txt'])).out).toBe('b\n/\nc.txt\n');
    expect((await run(['/bin/basename', '-s', '.c', 'x.c', 'y.h'])).out).toBe('x\ny.h\n');
    expect((await run(['/bin/basename', '.c', '.c'])).out).toBe('.c\n');
    expect((await run(['/bin/dirname', '/usr/bin/', 'a', '/', '//x', 'a/b/c'])).out).toBe('/usr\n.\n/\n/\na/b\n');
    expect((await run(['/bin/dirname'])).code).toBe(1);
  });
});

describe('du, df, stat, chmod', () => {
  const tree = { '/d/a': 'x'.repeat(1500), '/d/s/b': 'ten bytes!', '/d/s/empty': '' };

  it('du counts 1K blocks per directory, -a -s -h -c', async () => {
    expect((await run(['/bin/du', '/d'], { files: tree })).out).toBe('1\t/d/s\n3\t/d\n');
    // -a: every file; directory order is the file system's, so check the set and that parents come last.
    const all = (await run(['/bin/du', '-a', '/d'], { files: tree })).out.split('\n').filter(Boolean);
    expect(new Set(all)).toEqual(new Set(['2\t/d/a', '1\t/d/s/b', '0\t/d/s/empty', '1\t/d/s', '3\t/d']));
    expect(all.indexOf('1\t/d/s')).toBeGreaterThan(all.indexOf('1\t/d/s/b'));
    expect(all.at(-1)).toBe('3\t/d');
    expect((await run(['/bin/du', '-s', '/d'], { files: tree })).out).toBe('3\t/d\n');
    expect((await run(['/bin/du', '-sh', '/d'], { files: tree })).out).toBe('3.0K\t/d\n');
    expect((await run(['/bin/du', '-sc', '/d/a', '/d/s'], { files: tree })).out).toBe('2\t/d/a\n1\t/d/s\n3\ttotal\n');
    const missing = await run(['/bin/du', '/nope']);
    expect(missing).toMatchObject({ code: 1, err: "du: cannot access '/nope': No such file or directory\n" });
  });

  it('df reads /proc/diskusage and /proc/mounts', async () => {
    const df = await run(['/bin/df'], withProc());
    expect(df.out).toBe(
      'Filesystem     1K-blocks Used Available Use% Mounted on\n' +
      'overlay            65536 1024     64512   2% /\n');
    expect((await run(['/bin/df', '-h'], withProc())).out).toBe(
      'Filesystem     Size Used Avail Use% Mounted on\n' +
      'overlay         64M 1.0M   63M   2% /\n');
    expect((await run(['/bin/df', '-a'], withProc())).out).toContain('\nproc                   0    0         0    - /proc\n');
    const none = await run(['/bin/df'], { env: { FLOTILLA_PROC: '/nowhere' } });
    expect(none.code).toBe(1);
    expect(none.err).toBe('df: cannot read /nowhere/diskusage: No such file or directory\n');
  });

  it('stat -c formats and the default layout', async () => {
    const files = { '/s/file': 'hello', '/s/dir/x': '' };
    const c = await run(['/bin/stat', '-c', '%n|%s|%F|%h', '/s/file', '/s/dir', '/s/dir/x'], { files });
    expect(c.out).toMatch(/^\/s\/file\|5\|regular file\|1\n\/s\/dir\|\d+\|directory\|2\n\/s\/dir\/x\|0\|regular empty file\|1\n$/);
    const inode = await run(['/bin/stat', '-c', '%i %y', '/s/file'], { files });
    expect(inode.out).toMatch(/^\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000\n$/);
    const full = await run(['/bin/stat', '/s/file'], { files });
    const lines = full.out.split('\n');
    expect(lines[0]).toBe('  File: /s/file');
    expect(lines[1]).toMatch(/^ {2}Size: 5 {9}\tBlocks: 1 {10}IO Block: 4096 {3}regular file$/);
    expect(lines[2]).toMatch(/^Device: \d+,\d+\tInode: \d+ +Links: 1$/);
    expect(lines[3]).toBe('Access: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)');
    expect(lines.slice(4, 7).map((line) => line.slice(0, 8))).toEqual(['Access: ', 'Modify: ', 'Change: ']);
    const missing = await run(['/bin/stat', '/nope']);
    expect(missing).toMatchObject({ code: 1, err: "stat: cannot statx '/nope': No such file or directory\n" });
  });

  it('chmod validates modes and operands but changes nothing (WASI keeps no modes)', async () => {
    const files = { '/f': 'x' };
    expect(await run(['/bin/chmod', 'u+x,go-w', '/f'], { files })).toMatchObject({ code: 0, out: '', err: '' });
    expect(await run(['/bin/chmod', '-R', '0755', '/f'], { files })).toMatchObject({ code: 0, out: '' });
    expect(await run(['/bin/chmod', '-w', '/f'], { files })).toMatchObject({ code: 0 });
    expect(await run(['/bin/chmod', '999', '/f'], { files }))
      .toMatchObject({ code: 1, err: "chmod: invalid mode: '999'\nTry 'chmod --help' for more information.\n" });
    expect(await run(['/bin/chmod', '644', '/nope']))
      .toMatchObject({ code: 1, err: "chmod: cannot access '/nope': No such file or directory\n" });
  });
});

describe('users and host', () => {
  it('whoami and id are root unless USER says otherwise', async () => {
    expect((await run(['/bin/whoami'])).out).toBe('root\n');
    expect((await run(['/bin/id'])).out).toBe('uid=0(root) gid=0(root) groups=0(root)\n');
    expect((await run(['/bin/whoami'], { env: { USER: 'user' } })).out).toBe('user\n');
    expect((await run(['/bin/id'], { env: { USER: 'user' } })).out).toBe('uid=1000(user) gid=1000(user) groups=1000(user)\n');
    expect((await run(['/bin/id', '-un'], { env: { USER: 'user' } })).out).toBe('user\n');
    expect((await run(['/bin/id', '-g'])).out).toBe('0\n');
    expect(await run(['/bin/id', 'ghost'])).toMatchObject({ code: 1, err: "id: 'ghost': no such user\n" });
  });

  it('hostname reads /etc/hostname (the runtime writes the container name there)', async () => {
    const h = await run(['/bin/hostname']);
    const file = new TextDecoder().decode(await h.container.readFile('/etc/hostname'));
    expect(file.trim()).not.toBe('');
    expect(h).toMatchObject({ code: 0, out: `${file.trim()}\n` });
    expect(await run(['/bin/hostname', 'other'])).toMatchObject({ code: 1, err: 'hostname: you must be root to change the host name\n' });
  });

  it('uname reads /proc/sys/kernel and reports wasm32', async () => {
    expect((await run(['/bin/uname'], withProc())).out).toBe('Flotilla\n');
    expect((await run(['/bin/uname', '-a'], withProc())).out).toBe('Flotilla box1 1.0.0 #1 Flotilla wasm32 Flotilla\n');
    expect((await run(['/bin/uname', '-snrm'], withProc())).out).toBe('Flotilla box1 1.0.0 wasm32\n');
    expect((await run(['/bin/uname', '-x'])).code).toBe(1);
  });
});

describe('od and hexdump', () => {
  const input = 'hello world\n\x01\x7fabc';

  it('od: octal words by default, -c, -x, -A, duplicate suppression', async () => {
    expect((await run(['/bin/od'], { stdin: input })).out).toBe(
      '0000000 062550 066154 020157 067567 066162 005144 077401 061141\n0000020 000143\n0000021\n');
    expect((await run(['/bin/od', '-c'], { stdin: input })).out).toBe(
      '0000000   h   e   l   l   o       w   o   r   l   d  \\n 001 177   a   b\n0000020   c\n0000021\n');
    expect((await run(['/bin/od', '-A', 'x', '-x'], { stdin: 'ab' })).out).toBe('000000 6261\n000002\n');
    expect((await run(['/bin/od', '-A', 'd', '-t', 'x1'], { stdin: 'ab' })).out).toBe('0000000 61 62\n0000002\n');
    expect((await run(['/bin/od', '-b'], { stdin: '\0'.repeat(40) })).out).toBe(
      `0000000${' 000'.repeat(16)}\n*\n0000040${' 000'.repeat(8)}\n0000050\n`);
  });

  it('hexdump -C is canonical hex+ASCII', async () => {
    expect((await run(['/bin/hexdump', '-C'], { stdin: input })).out).toBe(
      '00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a 01 7f 61 62  |hello world...ab|\n' +
      '00000010  63                                                |c|\n' +
      '00000011\n');
    expect((await run(['/bin/hexdump'], { stdin: 'abc' })).out).toBe(`0000000 6261 0063${' '.repeat(30)}\n0000003\n`);
  });
});

describe('diff', () => {
  const files = {
    '/a': 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n',
    '/b': 'one\nTWO\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n',
    '/same': 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n',
    '/x': 'x', '/y': 'y',
  };

  it('normal output, exit 1 when different and 0 when the same', async () => {
    const d = await run(['/bin/diff', '/a', '/b'], { files });
    expect(d).toMatchObject({ code: 1, out: '2c2\n< two\n---\n> TWO\n10a11\n> eleven\n' });
    expect(await run(['/bin/diff', '/a', '/same'], { files })).toMatchObject({ code: 0, out: '' });
    expect((await run(['/bin/diff', '/b', '/a'], { files })).out).toBe('2c2\n< TWO\n---\n> two\n11d10\n< eleven\n');
    expect((await run(['/bin/diff', '/x', '/y'], { files })).out)
      .toBe('1c1\n< x\n\\ No newline at end of file\n---\n> y\n\\ No newline at end of file\n');
  });

  it('unified output with hunks and context', async () => {
    const d = await run(['/bin/diff', '-u', '-L', 'old', '-L', 'new', '/a', '/b'], { files });
    expect(d.out).toBe(
      '--- old\n+++ new\n' +
      '@@ -1,5 +1,5 @@\n one\n-two\n+TWO\n three\n four\n five\n' +
      '@@ -8,3 +8,4 @@\n eight\n nine\n ten\n+eleven\n');
    const header = await run(['/bin/diff', '-u', '/x', '/y'], { files });
    expect(header.out).toMatch(/^--- \/x\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000\n\+\+\+ \/y\t/);
    expect(header.out).toContain('@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n');
  });

  it('finds a minimal diff (an LCS, not a line-by-line comparison)', async () => {
    const a = 'a\nb\nc\na\nb\nb\na\n', b = 'c\nb\na\nb\na\nc\n';
    const d = await run(['/bin/diff', '/p', '/q'], { files: { '/p': a, '/q': b } });
    const changed = d.out.split('\n').filter((line) => line.startsWith('< ') || line.startsWith('> '));
    expect(changed).toHaveLength(5); // Myers' paper: D = 5 for ABCABBA -> CBABAC
    expect(d.code).toBe(1);
  });

  it('exits 2 on trouble', async () => {
    const d = await run(['/bin/diff', '/a', '/missing'], { files });
    expect(d).toMatchObject({ code: 2, err: 'diff: /missing: No such file or directory\n' });
    expect((await run(['/bin/diff', '/a'], { files })).code).toBe(2);
  });
});

describe('gzip, gunzip, zcat', () => {
  const text = Array.from({ length: 2000 }, (_, i) => `line ${i} of some fairly repetitive text\n`).join('');

  it('gzip -c writes a real gzip stream (read back by zlib)', async () => {
    const g = await run(['/bin/gzip', '-c', '/t/a'], { files: { '/t/a': text } });
    expect(g.code).toBe(0);
    expect([...g.bytes.slice(0, 3)]).toEqual([0x1f, 0x8b, 8]);
    expect(g.bytes.length).toBeLessThan(text.length / 3);
    expect(gunzipSync(g.bytes).toString()).toBe(text);
  });

  it('gunzip reads files made by GNU-compatible gzip (zlib, every level), checking CRC and size', async () => {
    for (const level of [1, 6, 9]) {
      const g = await run(['/bin/gunzip', '-c', '/t/a.gz'], { files: { '/t/a.gz': gzipSync(text, { level }) } });
      expect(g).toMatchObject({ code: 0, out: text });
    }
    const z = await run(['/bin/zcat', '/t/a.gz', '/t/a.gz'], { files: { '/t/a.gz': gzipSync('twice\n') } });
    expect(z.out).toBe('twice\ntwice\n');
    const corrupt = gzipSync(text);
    corrupt[corrupt.length - 8]! ^= 1;
    expect(await run(['/bin/gunzip', '-c', '/t/c.gz'], { files: { '/t/c.gz': corrupt } }))
      .toMatchObject({ code: 1, err: 'gunzip: /t/c.gz: invalid compressed data--crc error\n' });
    expect(await run(['/bin/gunzip', '/t/n.gz'], { files: { '/t/n.gz': 'plain text' } }))
      .toMatchObject({ code: 1, err: 'gunzip: /t/n.gz: not in gzip format\n' });
  });

  it('round trips in place: gzip replaces FILE by FILE.gz, -k keeps it, gunzip restores it', async () => {
    const binary = new Uint8Array(70000).map((_, i) => (i * 7919) % 251);
    const g = await run(['/bin/gzip', '/t/bin', '/t/txt'], { files: { '/t/bin': binary, '/t/txt': text } });
    expect(g.code).toBe(0);
    expect((await g.container.listDir('/t')).sort()).toEqual(['bin.gz', 'txt.gz']);
    const gz = await g.container.readFile('/t/bin.gz');
    expect(Buffer.from(gunzipSync(gz)).equals(Buffer.from(binary))).toBe(true);
    const back = await run(['/bin/gunzip', '/t/bin.gz'], { files: { '/t/bin.gz': gz } });
    expect(back.code).toBe(0);
    expect((await back.container.listDir('/t')).sort()).toEqual(['bin']);
    expect(Buffer.from(await back.container.readFile('/t/bin')).equals(Buffer.from(binary))).toBe(true);
    const keep = await run(['/bin/gzip', '-k', '/t/txt'], { files: { '/t/txt': text } });
    expect((await keep.container.listDir('/t')).sort()).toEqual(['txt', 'txt.gz']);
    const stdin = await run(['/bin/gzip'], { stdin: 'from stdin\n' });
    expect(gunzipSync(stdin.bytes).toString()).toBe('from stdin\n');
    const d = await run(['/bin/gzip', '-d', '-c'], { stdin: gzipSync('decompressed\n') });
    expect(d.out).toBe('decompressed\n');
  });
});

describe('tar', () => {
  const tree = { '/w/src/a.txt': 'alpha\n', '/w/src/sub/b.txt': 'beta\n'.repeat(300), '/w/src/empty/.keep': '' };

  /** Member names of a ustar archive (read with Node, not with our tar). */
  function names(tar: Uint8Array): string[] {
    const out: string[] = [];
    for (let pos = 0; pos + 512 <= tar.length; ) {
      const header = tar.subarray(pos, pos + 512);
      if (header.every((b) => b === 0)) break;
      const field = (from: number, length: number) => Buffer.from(header.subarray(from, from + length)).toString().replace(/\0.*$/s, '');
      expect(field(257, 6)).toBe('ustar');
      const size = parseInt(field(124, 12), 8);
      const prefix = field(345, 155);
      out.push(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      pos += 512 + Math.ceil(size / 512) * 512;
    }
    return out;
  }

  it('creates ustar archives (-c -f -C -v), gzipped with -z', async () => {
    const c = await run(['/bin/tar', 'cvf', '/w/out.tar', '-C', '/w', 'src'], { files: tree });
    expect(c.code).toBe(0);
    const tar = await c.container.readFile('/w/out.tar');
    expect(tar.length % 10240).toBe(0);
    const members = names(tar);
    expect(members.sort()).toEqual(['src/', 'src/a.txt', 'src/empty/', 'src/empty/.keep', 'src/sub/', 'src/sub/b.txt']);
    expect(c.out.split('\n').filter(Boolean).sort()).toEqual(members);
    const z = await run(['/bin/tar', '-czf', '/w/out.tgz', '-C', '/w', 'src/sub'], { files: tree });
    expect(names(gunzipSync(await z.container.readFile('/w/out.tgz')))).toEqual(['src/sub/', 'src/sub/b.txt']);
  });

  it('round trips: extract (-x -C -z) and list (-t -v) what it created', async () => {
    const c = await run(['/bin/tar', 'czf', '/w/out.tgz', '-C', '/w', 'src'], { files: tree });
    const tgz = await c.container.readFile('/w/out.tgz');
    const x = await run(['/bin/tar', '-xzvf', '/in.tgz', '-C', '/dest'], { files: { '/in.tgz': tgz, '/dest/.keep': '' } });
    expect(x.code).toBe(0);
    expect(new TextDecoder().decode(await x.container.readFile('/dest/src/sub/b.txt'))).toBe(tree['/w/src/sub/b.txt']);
    expect(new TextDecoder().decode(await x.container.readFile('/dest/src/a.txt'))).toBe('alpha\n');
    expect((await x.container.listDir('/dest/src/empty'))).toEqual(['.keep']);
    const t = await run(['/bin/tar', 'tvf', '/in.tgz'], { files: { '/in.tgz': tgz } });
    expect(t.out).toMatch(/^-rw-r--r-- root\/root {9}6 \d{4}-\d\d-\d\d \d\d:\d\d src\/a\.txt$/m);
    expect(t.out).toMatch(/^drwxr-xr-x root\/root {9}0 \d{4}-\d\d-\d\d \d\d:\d\d src\/sub\/$/m);
    const one = await run(['/bin/tar', 'tf', '/in.tgz', 'src/sub'], { files: { '/in.tgz': tgz } });
    expect(one.out).toBe('src/sub/\nsrc/sub/b.txt\n');
  });

  it('reports errors GNU-style', async () => {
    expect(await run(['/bin/tar', 'xf', '/none.tar']))
      .toMatchObject({ code: 2, err: 'tar: /none.tar: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n' });
    expect(await run(['/bin/tar', 'cf', '/x.tar']))
      .toMatchObject({ code: 2, err: "tar: Cowardly refusing to create an empty archive\nTry 'tar --help' for more information.\n" });
    const junk = await run(['/bin/tar', 'tf', '/j.tar'], { files: { '/j.tar': 'x'.repeat(1024) } });
    expect(junk.code).toBe(2);
    expect(junk.err).toContain('tar: This does not look like a tar archive\n');
  });
});

describe('ps, kill, free, top (fixture /proc)', () => {
  it('ps: PID TTY TIME CMD', async () => {
    const ps = await run(['/bin/ps'], withProc());
    expect(ps).toMatchObject({ code: 0, err: '' });
    expect(ps.out).toBe(
      '  PID TTY          TIME CMD\n' +
      '    1 pts/0    00:00:02 sh\n' +
      '    7 ?        00:00:00 my) prog\n' +
      '   42 pts/0    00:00:00 top\n');
  });

  it('ps aux and ps -ef', async () => {
    const aux = (await run(['/bin/ps', 'aux'], withProc())).out.replace(/ \d\d:\d\d /g, ' HH:MM ');
    expect(aux).toBe(
      'USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n' +
      'root         1  0.1  0.4   8192  2048 pts/0    Ss+  HH:MM   0:02 /bin/sh\n' +
      'user         7  0.0  0.0   1024    64 ?        S    HH:MM   0:00 [my) prog]\n' +
      'root        42  0.0  0.1   2048   512 pts/0    R+   HH:MM   0:00 top -b\n');
    const ef = (await run(['/bin/ps', '-ef'], withProc())).out.replace(/ \d\d:\d\d /g, ' HH:MM ');
    expect(ef).toBe(
      'UID        PID  PPID  C STIME TTY          TIME CMD\n' +
      'root         1     0  0 HH:MM pts/0    00:00:02 /bin/sh\n' +
      'user         7     1  0 HH:MM ?        00:00:00 [my) prog]\n' +
      'root        42     1  0 HH:MM pts/0    00:00:00 top -b\n');
    expect((await run(['/bin/ps', '-Z'], withProc())).code).toBe(1);
  });

  it('free in Linux layout, -m and -h', async () => {
    expect((await run(['/bin/free'], withProc())).out).toBe(
      '               total        used        free      shared  buff/cache   available\n' +
      'Mem:          524288       74288      400000           0       20480      450000\n' +
      'Swap:              0           0           0\n');
    expect((await run(['/bin/free', '-m'], withProc())).out).toBe(
      '               total        used        free      shared  buff/cache   available\n' +
      'Mem:             512          72         390           0          20         439\n' +
      'Swap:              0           0           0\n');
    expect((await run(['/bin/free', '-h'], withProc())).out).toBe(
      '               total        used        free      shared  buff/cache   available\n' +
      'Mem:           512Mi        72Mi       390Mi          0B        20Mi       439Mi\n' +
      'Swap:             0B          0B          0B\n');
  });

  it('top -b -n 1: summary and process table', async () => {
    const top = await run(['/bin/top', '-b', '-n', '1'], withProc());
    expect(top.code).toBe(0);
    const lines = top.out.split('\n');
    expect(lines[0]).toMatch(/^top - \d\d:\d\d:\d\d up  1:02,  1 user,  load average: 0\.25, 0\.10, 0\.05$/);
    expect(lines.slice(1, 9)).toEqual([
      'Tasks:   3 total,   1 running,   2 sleeping,   0 stopped,   0 zombie',
      '%Cpu(s):  0.1 us,  0.0 sy,  0.0 ni, 99.9 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st',
      'MiB Mem :    512.0 total,    390.6 free,     72.5 used,     20.0 buff/cache',
      'MiB Swap:      0.0 total,      0.0 free,      0.0 used.    439.5 avail Mem',
      '',
      '  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND',
      '    1 root      20   0    8192   2048      0 S   0.1   0.4   0:02.00 sh',
      '   42 root      20   0    2048    512      0 R   0.0   0.1   0:00.10 top',
    ]);
    expect(lines[9]).toBe('    7 user      20   0    1024     64      0 S   0.0   0.0   0:00.00 my) prog');
  });

  it('top without -b clears the screen and refreshes until killed', async () => {
    const c = await rt.run('base', { entrypoint: ['/bin/top'], args: ['-d', '0.2'], env: { FLOTILLA_PROC: PROC }, files: PROC_FILES });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await c.kill('SIGKILL');
    await c.wait();
    const screens = c.output({ stderr: false }).split('\x1b[H\x1b[2J');
    expect(screens.length).toBeGreaterThanOrEqual(3);
    expect(screens[1]).toMatch(/^top - /);
  });

  it('kill: signal lists and conversions, argument errors', async () => {
    expect((await run(['/bin/kill', '-l'])).out).toBe(
      'HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT\n' +
      'CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH POLL PWR SYS\n');
    expect((await run(['/bin/kill', '-l', '9'])).out).toBe('KILL\n');
    expect((await run(['/bin/kill', '-l', 'SIGTERM'])).out).toBe('15\n');
    expect((await run(['/bin/kill', '-l', '130'])).out).toBe('INT\n');
    expect(await run(['/bin/kill'])).toMatchObject({ code: 1, err: "kill: no process ID specified\nTry 'kill --help' for more information.\n" });
    expect(await run(['/bin/kill', '-s', 'FOO', '1'])).toMatchObject({ code: 1, err: "kill: unknown signal name 'FOO'\n" });
    expect(await run(['/bin/kill', '-9', 'abc'])).toMatchObject({ code: 1, err: "kill: failed to parse argument: 'abc'\n" });
    // proc_kill reports ESRCH for a pid the container does not have.
    expect(await run(['/bin/kill', '-TERM', '99999'])).toMatchObject({ code: 1, err: 'kill: (99999): No such process\n' });
  });
});

describe('--help', () => {
  const applets = ['sleep', 'date', 'env', 'basename', 'dirname', 'du', 'df', 'stat', 'chmod', 'yes', 'true', 'uname', 'hostname',
    'whoami', 'id', 'od', 'hexdump', 'diff', 'tar', 'gzip', 'gunzip', 'zcat', 'ps', 'kill', 'free', 'top', 'clear'];
  it('every system applet prints usage on stdout and exits 0', async () => {
    for (const applet of applets) {
      const help = await run([`/bin/${applet}`, '--help']);
      expect({ applet, code: help.code, usage: /^Usage: /.test(help.out) }).toEqual({ applet, code: 0, usage: true });
    }
    expect((await run(['/bin/false', '--help'])).code).toBe(1);
  });
});
