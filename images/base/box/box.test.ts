// The file and text applets of box (images/base/box/file, box/text) run as
// real WASI programs of the base image through the public API: exact
// output, messages and exit codes, as GNU coreutils prints them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../../src/api';
import type { ContainerOptions, LogChunk } from '../../../src/api/types';

let rt: Awaited<ReturnType<typeof Runtime.create>>;

beforeAll(async () => {
  rt = await Runtime.create();
});

afterAll(async () => {
  await rt?.dispose();
});

interface Result {
  code: number;
  out: string;
  err: string;
  container: Awaited<ReturnType<typeof rt.run>>;
}

interface RunOptions {
  files?: Record<string, string | Uint8Array>;
  stdin?: string;
  cwd?: string;
  env?: Record<string, string>;
}

/** Runs /bin/APPLET ARGS in a fresh base container (working directory /tmp by default). */
async function run(argv: string[], options: RunOptions = {}): Promise<Result> {
  const spec: ContainerOptions = {
    entrypoint: [argv[0]!.startsWith('/') ? argv[0]! : `/bin/${argv[0]}`],
    args: argv.slice(1),
    files: options.files,
    stdin: options.stdin ?? '',
    // The runtime sets PWD from the working directory; box chdirs to PWD.
    workdir: options.cwd ?? '/tmp',
    env: { PWD: options.cwd ?? '/tmp', ...options.env },
  };
  const container = await rt.run('base', spec);
  const status = await container.wait();
  return {
    code: status.exitCode,
    out: container.output({ stderr: false }),
    err: container.output({ stdout: false }),
    container,
  };
}

/** stdout of a run that must succeed. */
async function out(argv: string[], options: RunOptions = {}): Promise<string> {
  const r = await run(argv, options);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

const TEXT = { '/tmp/g.txt': 'hello world\nfoo bar\nHello again\nfoobar baz\n' };

describe('dispatcher', () => {
  it('runs an applet by the name it was started as, or as box APPLET', async () => {
    expect(await out(['echo', 'hi'])).toBe('hi\n');
    expect(await out(['/bin/box', 'echo', 'via', 'box'])).toBe('via box\n');
  });

  it('box --list names every applet, one per line, sorted', async () => {
    const names = (await out(['/bin/box', '--list'])).trimEnd().split('\n');
    for (const name of ['ls', 'cat', 'grep', 'sed', 'sort', 'xargs', 'find', 'tail', 'seq']) expect(names).toContain(name);
    expect([...names].sort()).toEqual(names);
  });

  it('rejects an unknown applet with 127', async () => {
    const r = await run(['/bin/box', 'nosuch']);
    expect(r.code).toBe(127);
    expect(r.err).toBe('box: applet not found: nosuch\n');
  });

  it('adopts PWD as the working directory, so relative paths work', async () => {
    const files = { '/home/user/notes.txt': 'x\n', '/home/user/b': 'y\n' };
    expect(await out(['ls'], { files, cwd: '/home/user' })).toBe('b\nnotes.txt\n');
    expect(await out(['pwd'], { cwd: '/home/user' })).toBe('/home/user\n');
    expect(await out(['cat', 'notes.txt'], { files, cwd: '/home/user' })).toBe('x\n');
  });

  it('every applet prints usage for --help and exits 0', async () => {
    for (const applet of ['ls', 'cat', 'echo', 'printf', 'pwd', 'mkdir', 'rmdir', 'rm', 'cp', 'mv', 'touch', 'ln',
      'readlink', 'head', 'tail', 'wc', 'sort', 'uniq', 'cut', 'tr', 'grep', 'sed', 'find', 'xargs', 'tee', 'seq']) {
      const r = await run([applet, '--help']);
      expect(r.code, applet).toBe(0);
      expect(r.out, applet).toMatch(new RegExp(`^Usage: ${applet} `));
    }
  });

  it('reports unknown options GNU-style', async () => {
    const r = await run(['cat', '-z']);
    expect(r.code).toBe(1);
    expect(r.err).toBe("cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n");
    const l = await run(['ls', '--bogus']);
    expect(l.code).toBe(2);
    expect(l.err).toBe("ls: unrecognized option '--bogus'\nTry 'ls --help' for more information.\n");
  });
});

describe('ls', () => {
  const files = {
    '/tmp/d/a.txt': 'hello\n',
    '/tmp/d/big': 'x'.repeat(5000),
    '/tmp/d/.hidden': '',
    '/tmp/d/sub/inner': 'i\n',
  };

  it('lists names sorted, hiding dot files unless -a or -A', async () => {
    expect(await out(['ls', '/tmp/d'], { files })).toBe('a.txt\nbig\nsub\n');
    expect(await out(['ls', '-A', '/tmp/d'], { files })).toBe('.hidden\na.txt\nbig\nsub\n');
    expect(await out(['ls', '-a', '/tmp/d'], { files })).toBe('.\n..\n.hidden\na.txt\nbig\nsub\n');
    expect(await out(['ls', '-1', 'd'], { files })).toBe('a.txt\nbig\nsub\n');
  });

  it('-l shows mode, links, owner, size, date and symlink targets', async () => {
    const r = await out(['ls', '-l', '/tmp/d'], { files });
    const lines = r.trimEnd().split('\n');
    expect(lines[0]).toBe('total 16');
    expect(lines[1]).toMatch(/^-rw-r--r-- 1 root root    6 [A-Z][a-z]{2} [ \d]\d (\d\d:\d\d| \d{4}) a\.txt$/);
    expect(lines[2]).toMatch(/^-rw-r--r-- 1 root root 5000 .* big$/);
    expect(lines[3]).toMatch(/^drwxr-xr-x \d root root +\d+ .* sub$/);
  });

  it('-l of a symlink shows the arrow; -d lists a directory itself; -h sizes', async () => {
    const withLink = await run(['ln', '-s', 'a.txt', '/tmp/d/link'], { files });
    expect(withLink.code).toBe(0);
    const c = withLink.container;
    // A second process in the same file system is not possible here; check ln's result via the file API.
    const tree = await c.readTree('/tmp/d');
    expect(tree.find((e) => e.path === '/link')).toMatchObject({ kind: 'symlink', target: 'a.txt' });
    expect(await out(['ls', '-ld', '/tmp'])).toMatch(/^drwxrwxrwt \d+ root root +\d+ .* \/tmp\n$/);
    expect(await out(['ls', '-lh', '/tmp/d/big'], { files })).toMatch(/^-rw-r--r-- 1 root root 4\.9K .* \/tmp\/d\/big\n$/);
    expect(await out(['ls', '-l', '/bin/ls'])).toMatch(/^-rwxr-xr-x \d+ root root \d+ .* \/bin\/ls\n$/);
  });

  it('-R lists subdirectories with headers', async () => {
    expect(await out(['ls', '-R', 'd'], { files })).toBe('d:\na.txt\nbig\nsub\n\nd/sub:\ninner\n');
  });

  it('files first, then directories with headers when there are several operands', async () => {
    expect(await out(['ls', 'd/sub', 'd/a.txt', 'd'], { files })).toBe('d/a.txt\n\nd:\na.txt\nbig\nsub\n\nd/sub:\ninner\n');
  });

  it('colours only with --color=always', async () => {
    expect(await out(['ls', '--color=always', 'd'], { files })).toBe('a.txt\nbig\n\x1b[01;34msub\x1b[0m\n');
    expect(await out(['ls', '--color=never', 'd'], { files })).toBe('a.txt\nbig\nsub\n');
  });

  it('a missing operand is exit 2 with GNU message, the rest still listed', async () => {
    const r = await run(['ls', 'x', 'd/a.txt'], { files });
    expect(r.code).toBe(2);
    expect(r.err).toBe("ls: cannot access 'x': No such file or directory\n");
    expect(r.out).toBe('d/a.txt\n');
  });
});

describe('cat, echo, printf, pwd, tee, seq', () => {
  it('cat concatenates files and stdin, -n numbers lines', async () => {
    const files = { '/tmp/a': 'one\ntwo\n', '/tmp/b': 'three\n' };
    expect(await out(['cat', 'a', '-', 'b'], { files, stdin: 'in\n' })).toBe('one\ntwo\nin\nthree\n');
    expect(await out(['cat', '-n', 'a', 'b'], { files })).toBe('     1\tone\n     2\ttwo\n     3\tthree\n');
  });

  it('cat of a missing file: message, exit 1, other files still printed', async () => {
    const r = await run(['cat', 'x', 'a'], { files: { '/tmp/a': 'A\n' } });
    expect(r.code).toBe(1);
    expect(r.err).toBe('cat: x: No such file or directory\n');
    expect(r.out).toBe('A\n');
  });

  it('echo: -n, -e escapes, options only as leading words', async () => {
    expect(await out(['echo', 'a', 'b'])).toBe('a b\n');
    expect(await out(['echo', '-n', 'x'])).toBe('x');
    expect(await out(['echo', '-e', 'a\\tb\\n\\x41\\0101\\\\'])).toBe('a\tb\nAA\\\n');
    expect(await out(['echo', 'a\\tb'])).toBe('a\\tb\n');
    expect(await out(['echo', '-e', 'stop\\chere'])).toBe('stop');
    expect(await out(['echo', '-x', 'y'])).toBe('-x y\n');
  });

  it('printf: conversions, widths, escapes, format reuse', async () => {
    expect(await out(['printf', '%s=%d %x %c %%\\n', 'a', '42', '255', 'zed'])).toBe('a=42 ff z %\n');
    expect(await out(['printf', '[%5s|%-4d|%05.1f]\\n', 'ab', '7', '3.14159'])).toBe('[   ab|7   |003.1]\n');
    expect(await out(['printf', '%s\\n', 'x', 'y', 'z'])).toBe('x\ny\nz\n');
    expect(await out(['printf', 'no newline'])).toBe('no newline');
    const bad = await run(['printf', '%d\\n', 'abc']);
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('0\n');
    expect(bad.err).toBe("printf: 'abc': expected a numeric value\n");
  });

  it('pwd prints the working directory', async () => {
    expect(await out(['pwd'], { cwd: '/etc' })).toBe('/etc\n');
  });

  it('tee copies stdin to stdout and files; -a appends', async () => {
    const r = await run(['tee', 'o1', 'o2'], { stdin: 'data\n' });
    expect(r.out).toBe('data\n');
    expect(new TextDecoder().decode(await r.container.readFile('/tmp/o2'))).toBe('data\n');
    const a = await run(['tee', '-a', 'o'], { stdin: 'more\n', files: { '/tmp/o': 'old\n' } });
    expect(new TextDecoder().decode(await a.container.readFile('/tmp/o'))).toBe('old\nmore\n');
  });

  it('seq: LAST, FIRST LAST, FIRST INC LAST, -s, -w, fractions, negatives', async () => {
    expect(await out(['seq', '3'])).toBe('1\n2\n3\n');
    expect(await out(['seq', '2', '4'])).toBe('2\n3\n4\n');
    expect(await out(['seq', '1', '3', '10'])).toBe('1\n4\n7\n10\n');
    expect(await out(['seq', '5', '-2', '1'])).toBe('5\n3\n1\n');
    expect(await out(['seq', '-s', ',', '3'])).toBe('1,2,3\n');
    expect(await out(['seq', '-w', '8', '10'])).toBe('08\n09\n10\n');
    expect(await out(['seq', '0', '0.5', '1.5'])).toBe('0.0\n0.5\n1.0\n1.5\n');
    expect(await out(['seq', '-2', '0'])).toBe('-2\n-1\n0\n');
    expect(await out(['seq', '5', '1'])).toBe('');
    const bad = await run(['seq', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe("seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n");
  });
});

describe('file operations', () => {
  async function tree(r: Result, path: string): Promise<string[]> {
    return (await r.container.readTree(path)).map((e) => `${e.path}${e.kind === 'directory' ? '/' : ''}`).sort();
  }

  it('mkdir -p creates parents, -v reports, existing is an error without -p', async () => {
    const r = await run(['mkdir', '-pv', 'a/b/c']);
    expect(r.out).toBe("mkdir: created directory 'a'\nmkdir: created directory 'a/b'\nmkdir: created directory 'a/b/c'\n");
    expect(await tree(r, '/tmp/a')).toEqual(['/b/', '/b/c/']);
    const e = await run(['mkdir', 'x'], { files: { '/tmp/x/f': '' } });
    expect(e.code).toBe(1);
    expect(e.err).toBe("mkdir: cannot create directory 'x': File exists\n");
    expect((await run(['mkdir', '-p', 'x'], { files: { '/tmp/x/f': '' } })).code).toBe(0);
  });

  it('rmdir removes empty directories only', async () => {
    const r = await run(['rmdir', 'full'], { files: { '/tmp/full/f': '' } });
    expect(r.code).toBe(1);
    expect(r.err).toBe("rmdir: failed to remove 'full': Directory not empty\n");
    const ok = await run(['rmdir', '-p', 'e/f'], { files: { '/tmp/keep': '' }, env: {} });
    expect(ok.code).toBe(1); // e/f does not exist
  });

  it('rm: files, -r trees, -f quiet, directories refused without -r', async () => {
    const files = { '/tmp/t/a': '1', '/tmp/t/s/b': '2', '/tmp/f': 'x' };
    const dir = await run(['rm', 't'], { files });
    expect(dir.code).toBe(1);
    expect(dir.err).toBe("rm: cannot remove 't': Is a directory\n");
    const r = await run(['rm', '-rv', 't', 'f'], { files });
    expect(r.code).toBe(0);
    expect(r.out).toBe("removed 't/a'\nremoved 't/s/b'\nremoved directory 't/s'\nremoved directory 't'\nremoved 'f'\n");
    expect(await r.container.listDir('/tmp')).toEqual([]);
    const missing = await run(['rm', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe("rm: cannot remove 'nope': No such file or directory\n");
    expect((await run(['rm', '-f', 'nope'])).code).toBe(0);
    const root = await run(['rm', '-rf', '/']);
    expect(root.code).toBe(1);
    expect(root.err).toContain("rm: it is dangerous to operate recursively on '/'");
  });

  it('cp: a file, into a directory, -r trees, errors', async () => {
    const files = { '/tmp/src/a': 'A', '/tmp/src/sub/b': 'B', '/tmp/f': 'F', '/tmp/dst/.keep': '' };
    const r = await run(['cp', 'f', 'g'], { files });
    expect(r.code).toBe(0);
    expect(new TextDecoder().decode(await r.container.readFile('/tmp/g'))).toBe('F');
    const into = await run(['cp', 'f', 'dst'], { files });
    expect(new TextDecoder().decode(await into.container.readFile('/tmp/dst/f'))).toBe('F');
    const noR = await run(['cp', 'src', 'copy'], { files });
    expect(noR.code).toBe(1);
    expect(noR.err).toBe("cp: -r not specified; omitting directory 'src'\n");
    const rec = await run(['cp', '-r', 'src', 'copy'], { files });
    expect(rec.code).toBe(0);
    expect(await tree(rec, '/tmp/copy')).toEqual(['/a', '/sub/', '/sub/b']);
    const arch = await run(['cp', '-a', 'src', 'dst'], { files });
    expect(await tree(arch, '/tmp/dst')).toEqual(['/.keep', '/src/', '/src/a', '/src/sub/', '/src/sub/b']);
    const missing = await run(['cp', 'nope', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe("cp: cannot stat 'nope': No such file or directory\n");
    const self = await run(['cp', '-r', 'src', 'src/sub'], { files });
    expect(self.err).toBe("cp: cannot copy a directory, 'src', into itself, 'src/sub/src'\n");
  });

  it('mv renames and moves into directories', async () => {
    const files = { '/tmp/a': 'A', '/tmp/d/.keep': '' };
    const r = await run(['mv', '-v', 'a', 'b'], { files });
    expect(r.out).toBe("renamed 'a' -> 'b'\n");
    expect((await r.container.listDir('/tmp')).sort()).toEqual(['b', 'd']);
    const into = await run(['mv', 'a', 'd'], { files });
    expect((await into.container.listDir('/tmp/d')).sort()).toEqual(['.keep', 'a']);
    const missing = await run(['mv', 'nope', 'x']);
    expect(missing.err).toBe("mv: cannot stat 'nope': No such file or directory\n");
  });

  it('touch creates files, -c does not', async () => {
    const r = await run(['touch', 'new', 'old'], { files: { '/tmp/old': 'keep' } });
    expect(r.code).toBe(0);
    expect(new TextDecoder().decode(await r.container.readFile('/tmp/new'))).toBe('');
    expect(new TextDecoder().decode(await r.container.readFile('/tmp/old'))).toBe('keep');
    const c = await run(['touch', '-c', 'none']);
    expect(c.code).toBe(0);
    expect(await c.container.listDir('/tmp')).toEqual([]);
    const bad = await run(['touch', 'no/dir/f']);
    expect(bad.err).toBe("touch: cannot touch 'no/dir/f': No such file or directory\n");
  });

  it('ln makes hard and symbolic links; -f replaces; readlink and readlink -f', async () => {
    const files = { '/tmp/t': 'T', '/tmp/exists': 'E' };
    const s = await run(['ln', '-s', 't', 'link'], { files });
    expect(s.code).toBe(0);
    const entries = await s.container.readTree('/tmp');
    expect(entries.find((e) => e.path === '/link')).toMatchObject({ kind: 'symlink', target: 't' });
    const clash = await run(['ln', '-s', 't', 'exists'], { files });
    expect(clash.code).toBe(1);
    expect(clash.err).toBe("ln: failed to create symbolic link 'exists': File exists\n");
    expect((await run(['ln', '-sf', 't', 'exists'], { files })).code).toBe(0);
    const hard = await run(['ln', 't', 'h'], { files });
    expect(new TextDecoder().decode(await hard.container.readFile('/tmp/h'))).toBe('T');
    const linkFiles = { '/tmp/real/file': 'x' };
    const rl = await run(['/bin/box', 'readlink', '-f', 'real/../real/./file'], { files: linkFiles });
    expect(rl.out).toBe('/tmp/real/file\n');
    expect((await run(['readlink', '-f', 'real/missing'], { files: linkFiles })).out).toBe('/tmp/real/missing\n');
    const notLink = await run(['readlink', 'real/file'], { files: linkFiles });
    expect(notLink.code).toBe(1);
    expect(notLink.out).toBe('');
  });

  it('readlink prints a symlink target made by the image', async () => {
    // /bin applets are hard links, not symlinks: readlink says nothing and fails
    expect((await run(['readlink', '/bin/ls'])).code).toBe(1);
  });
});

describe('head, tail, wc', () => {
  const n20 = { '/tmp/n': Array.from({ length: 20 }, (_, i) => `${i + 1}\n`).join('') };

  it('head: default 10, -n N, -N, -c N, -n -N, headers for several files', async () => {
    expect(await out(['head', 'n'], { files: n20 })).toBe('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n');
    expect(await out(['head', '-n', '2', 'n'], { files: n20 })).toBe('1\n2\n');
    expect(await out(['head', '-3', 'n'], { files: n20 })).toBe('1\n2\n3\n');
    expect(await out(['head', '-c', '4', 'n'], { files: n20 })).toBe('1\n2\n');
    expect(await out(['head', '-n', '-18', 'n'], { files: n20 })).toBe('1\n2\n');
    expect(await out(['head', '-n1', 'n', 'n'], { files: n20 })).toBe('==> n <==\n1\n\n==> n <==\n1\n');
    expect(await out(['head', '-n', '1'], { stdin: 'a\nb\n' })).toBe('a\n');
  });

  it('tail: default 10, -n N, -n +N, -c N, -N', async () => {
    expect(await out(['tail', '-n', '2', 'n'], { files: n20 })).toBe('19\n20\n');
    expect(await out(['tail', '-n', '+19', 'n'], { files: n20 })).toBe('19\n20\n');
    expect(await out(['tail', '-3', 'n'], { files: n20 })).toBe('18\n19\n20\n');
    expect(await out(['tail', '-c', '3', 'n'], { files: n20 })).toBe('20\n');
    expect(await out(['tail'], { stdin: 'a\nb\nc' })).toBe('a\nb\nc');
    expect((await out(['tail', 'n'], { files: n20 })).split('\n')[0]).toBe('11');
  });

  it('tail -f prints what is appended until killed', async () => {
    const c = await rt.run('base', { entrypoint: ['/bin/tail'], args: ['-f', '/tmp/log'], files: { '/tmp/log': 'first\n' } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await c.writeFile('/tmp/log', 'first\nsecond\n');
    const deadline = Date.now() + 5000;
    while (!c.output({ stderr: false }).includes('second') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(c.output({ stderr: false })).toBe('first\nsecond\n');
    expect(c.info().state).toBe('running');
    await c.kill('SIGKILL');
    await c.wait();
  });

  it('head/tail of a missing file', async () => {
    const r = await run(['head', 'x']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('head: x: No such file or directory\n');
  });

  it('wc: counts, single-count width, totals, stdin width 7', async () => {
    const files = { '/tmp/a': 'one two\nthree\n', '/tmp/b': 'x\n' };
    expect(await out(['wc', 'a'], { files })).toBe(' 2  3 14 a\n');
    expect(await out(['wc', '-l', 'a'], { files })).toBe('2 a\n');
    expect(await out(['wc', '-w', 'a', 'b'], { files })).toBe(' 3 a\n 1 b\n 4 total\n');
    expect(await out(['wc', '-c'], { stdin: 'abc\n' })).toBe('4\n');
    expect(await out(['wc'], { stdin: 'abc\n' })).toBe('      1       1       4\n');
    const r = await run(['wc', 'x', 'b'], { files });
    expect(r.code).toBe(1);
    expect(r.err).toBe('wc: x: No such file or directory\n');
  });
});

describe('sort and uniq', () => {
  const files = { '/tmp/s': 'b 2\na 10\nc 1\na 10\n', '/tmp/u': 'a\na\nb\nc\nc\nc\n' };

  it('sort: bytewise, -r, -n, -u, -k, -t', async () => {
    expect(await out(['sort', 's'], { files })).toBe('a 10\na 10\nb 2\nc 1\n');
    expect(await out(['sort', '-r', 's'], { files })).toBe('c 1\nb 2\na 10\na 10\n');
    expect(await out(['sort', '-u', 's'], { files })).toBe('a 10\nb 2\nc 1\n');
    expect(await out(['sort', '-k', '2', '-n', 's'], { files })).toBe('c 1\nb 2\na 10\na 10\n');
    expect(await out(['sort', '-t', ' ', '-k2,2nr', 's'], { files })).toBe('a 10\na 10\nb 2\nc 1\n');
    expect(await out(['sort', '-n'], { stdin: '10\n9\n-1\n2.5\nx\n' })).toBe('-1\nx\n2.5\n9\n10\n');
    expect(await out(['sort'], { stdin: 'b\nB\na\n' })).toBe('B\na\nb\n');
    expect(await out(['sort', '-f'], { stdin: 'b\nB\na\n' })).toBe('a\nB\nb\n');
    expect(await out(['sort', '-h'], { stdin: '1G\n10K\n2M\n' })).toBe('10K\n2M\n1G\n');
  });

  it('sort of a missing file exits 2', async () => {
    const r = await run(['sort', 'x']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('sort: cannot read: x: No such file or directory\n');
  });

  it('uniq: adjacent duplicates, -c, -d, -u', async () => {
    expect(await out(['uniq', 'u'], { files })).toBe('a\nb\nc\n');
    expect(await out(['uniq', '-c', 'u'], { files })).toBe('      2 a\n      1 b\n      3 c\n');
    expect(await out(['uniq', '-d', 'u'], { files })).toBe('a\nc\n');
    expect(await out(['uniq', '-u', 'u'], { files })).toBe('b\n');
    expect(await out(['uniq', '-i'], { stdin: 'A\na\nb\n' })).toBe('A\nb\n');
  });

  it('sorts 1,000,000 lines from seq numerically', async () => {
    // seq's output through onLog (the log buffer keeps only the newest bytes)
    const chunks: Uint8Array[] = [];
    const seq = await rt.create('base', { entrypoint: ['/bin/seq'], args: ['1', '1000000'] });
    const off = seq.onLog((chunk: LogChunk) => { if (chunk.stream === 'stdout') chunks.push(chunk.data); });
    await seq.start();
    expect((await seq.wait()).exitCode).toBe(0);
    off();
    const numbers = Buffer.concat(chunks);
    expect(numbers.length).toBe(6888896); // 9*2 + 90*3 + ... + 900000*7 + 8
    // reversed input, so the sort has real work to do
    const reversed = Buffer.from(numbers.toString('latin1').trimEnd().split('\n').reverse().join('\n') + '\n', 'latin1');
    const started = Date.now();
    const sort = await rt.create('base', {
      entrypoint: ['/bin/sort'], args: ['-n', '-o', '/tmp/sorted', '/tmp/n'], files: { '/tmp/n': reversed },
    });
    await sort.start();
    expect((await sort.wait()).exitCode).toBe(0);
    const elapsed = Date.now() - started;
    const sorted = Buffer.from(await sort.readFile('/tmp/sorted'));
    expect(sorted.equals(numbers)).toBe(true);
    expect(elapsed).toBeLessThan(20_000);
    // and uniq over the same million lines
    const u = await run(['uniq', '-c', 'n'], { files: { '/tmp/n': sorted } });
    expect(u.code).toBe(0);
    expect(u.out.endsWith('      1 1000000\n')).toBe(true);
  }, 120_000);
});

describe('cut and tr', () => {
  it('cut -d -f with ranges, -c, -s', async () => {
    expect(await out(['cut', '-d', ':', '-f', '1,3'], { stdin: 'a:b:c:d\n' })).toBe('a:c\n');
    expect(await out(['cut', '-d:', '-f2-'], { stdin: 'a:b:c:d\n' })).toBe('b:c:d\n');
    expect(await out(['cut', '-d:', '-f', '-2'], { stdin: 'a:b:c:d\nnone\n' })).toBe('a:b\nnone\n');
    expect(await out(['cut', '-s', '-d:', '-f1'], { stdin: 'a:b\nnone\n' })).toBe('a\n');
    expect(await out(['cut', '-c', '2-4'], { stdin: 'hello\n' })).toBe('ell\n');
    expect(await out(['cut', '-f', '2'], { stdin: 'x\ty\tz\n' })).toBe('y\n');
    const r = await run(['cut', 'file']);
    expect(r.code).toBe(1);
    expect(r.err).toBe("cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n");
  });

  it('tr: sets, ranges, classes, -d, -s, -c', async () => {
    expect(await out(['tr', 'a-z', 'A-Z'], { stdin: 'Hello\n' })).toBe('HELLO\n');
    expect(await out(['tr', '[:lower:]', '[:upper:]'], { stdin: 'abc xyz\n' })).toBe('ABC XYZ\n');
    expect(await out(['tr', '-d', '0-9'], { stdin: 'a1b22c\n' })).toBe('abc\n');
    expect(await out(['tr', '-s', ' '], { stdin: 'a   b  c\n' })).toBe('a b c\n');
    expect(await out(['tr', '-cd', '[:alpha:]\\n'], { stdin: 'a-b_c 1\n' })).toBe('abc\n');
    expect(await out(['tr', 'abc', 'x'], { stdin: 'aabbcc\n' })).toBe('xxxxxx\n');
    expect(await out(['tr', ' ', '\\n'], { stdin: 'a b\n' })).toBe('a\nb\n');
    const r = await run(['tr', 'a']);
    expect(r.code).toBe(1);
    expect(r.err).toBe("tr: missing operand after 'a'\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n");
  });
});

describe('grep', () => {
  it('basic matching, -i, -v, -n, -c', async () => {
    expect(await out(['grep', 'hello', 'g.txt'], { files: TEXT })).toBe('hello world\n');
    expect(await out(['grep', '-i', 'hello', 'g.txt'], { files: TEXT })).toBe('hello world\nHello again\n');
    expect(await out(['grep', '-vn', 'o w', 'g.txt'], { files: TEXT })).toBe('2:foo bar\n3:Hello again\n4:foobar baz\n');
    expect(await out(['grep', '-c', 'foo', 'g.txt'], { files: TEXT })).toBe('2\n');
  });

  it('-w, -x, -o, -E, BRE alternation and intervals', async () => {
    expect(await out(['grep', '-w', 'foo', 'g.txt'], { files: TEXT })).toBe('foo bar\n');
    expect(await out(['grep', '-x', 'foo bar', 'g.txt'], { files: TEXT })).toBe('foo bar\n');
    expect(await out(['grep', '-o', 'o[a-z]', 'g.txt'], { files: TEXT })).toBe('or\noo\noo\n');
    expect(await out(['grep', '-E', '^(foo|Hello) ', 'g.txt'], { files: TEXT })).toBe('foo bar\nHello again\n');
    expect(await out(['grep', 'l\\{2\\}', 'g.txt'], { files: TEXT })).toBe('hello world\nHello again\n');
    expect(await out(['egrep', 'ba[rz]$', 'g.txt'], { files: TEXT })).toBe('foo bar\nfoobar baz\n');
    const fixed = await run(['fgrep', '.', 'g.txt'], { files: TEXT });
    expect(fixed.code).toBe(1);
    expect(fixed.out).toBe('');
  });

  it('several files get name prefixes; -l, -h, -e', async () => {
    const files = { ...TEXT, '/tmp/h.txt': 'foo\n' };
    expect(await out(['grep', 'foo', 'g.txt', 'h.txt'], { files })).toBe('g.txt:foo bar\ng.txt:foobar baz\nh.txt:foo\n');
    expect(await out(['grep', '-l', 'foo', 'g.txt', 'h.txt'], { files })).toBe('g.txt\nh.txt\n');
    expect(await out(['grep', '-h', 'foo', 'g.txt', 'h.txt'], { files })).toBe('foo bar\nfoobar baz\nfoo\n');
    expect(await out(['grep', '-e', 'world', '-e', 'again', 'g.txt'], { files })).toBe('hello world\nHello again\n');
  });

  it('-r searches directories; -A/-B context', async () => {
    const files = { '/tmp/r/a.txt': 'needle\n', '/tmp/r/sub/b.txt': 'hay\nneedle here\n' };
    expect(await out(['grep', '-r', 'needle', 'r'], { files })).toBe('r/a.txt:needle\nr/sub/b.txt:needle here\n');
    expect(await out(['grep', '-rn', 'needle'], { files, cwd: '/tmp/r' })).toBe('a.txt:1:needle\nsub/b.txt:2:needle here\n');
    expect(await out(['grep', '-B1', 'needle h', 'r/sub/b.txt'], { files })).toBe('hay\nneedle here\n');
    expect(await out(['grep', '-A1', 'world', 'g.txt'], { files: TEXT })).toBe('hello world\nfoo bar\n');
  });

  it('exit 1 when nothing matches, 2 on errors, -q is silent', async () => {
    const none = await run(['grep', 'zzz', 'g.txt'], { files: TEXT });
    expect(none.code).toBe(1);
    expect(none.out).toBe('');
    const missing = await run(['grep', 'x', 'nofile']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('grep: nofile: No such file or directory\n');
    const q = await run(['grep', '-q', 'foo', 'g.txt'], { files: TEXT });
    expect(q.code).toBe(0);
    expect(q.out).toBe('');
    const badRe = await run(['grep', '-E', '(', 'g.txt'], { files: TEXT });
    expect(badRe.code).toBe(2);
    expect(badRe.err).toMatch(/^grep: /);
    expect((await run(['grep', 'foo'], { stdin: 'foo\n' })).out).toBe('foo\n');
  });
});

describe('sed', () => {
  it('s///g with & and groups, -E, -n p, d', async () => {
    expect(await out(['sed', 's/o/0/g', 'g.txt'], { files: TEXT })).toBe('hell0 w0rld\nf00 bar\nHell0 again\nf00bar baz\n');
    expect(await out(['sed', 's/o/[&]/'], { stdin: 'foo\n' })).toBe('f[o]o\n');
    expect(await out(['sed', 's/\\(a\\)\\(b\\)/\\2\\1/'], { stdin: 'xaby\n' })).toBe('xbay\n');
    expect(await out(['sed', '-E', 's/(\\w+) (\\w+)/\\2 \\1/'], { stdin: 'hello world\n' })).toBe('world hello\n');
    expect(await out(['sed', 's/o/0/2'], { stdin: 'ooo\n' })).toBe('o0o\n');
    expect(await out(['sed', '-n', '2p', 'g.txt'], { files: TEXT })).toBe('foo bar\n');
    expect(await out(['sed', '2,3d', 'g.txt'], { files: TEXT })).toBe('hello world\nfoobar baz\n');
    expect(await out(['sed', '$d', 'g.txt'], { files: TEXT })).toBe('hello world\nfoo bar\nHello again\n');
    expect(await out(['sed', 's|/|:|g'], { stdin: '/a/b\n' })).toBe(':a:b\n');
  });

  it('addresses: /re/, ranges, $, negation, -e several, blocks', async () => {
    expect(await out(['sed', '-n', '/foo/p', 'g.txt'], { files: TEXT })).toBe('foo bar\nfoobar baz\n');
    expect(await out(['sed', '-n', '/hello/,/Hello/p', 'g.txt'], { files: TEXT })).toBe('hello world\nfoo bar\nHello again\n');
    expect(await out(['sed', '-n', '$p', 'g.txt'], { files: TEXT })).toBe('foobar baz\n');
    expect(await out(['sed', '/foo/!d', 'g.txt'], { files: TEXT })).toBe('foo bar\nfoobar baz\n');
    expect(await out(['sed', '-e', 's/a/A/g', '-e', 's/o/O/', 'g.txt'], { files: TEXT }))
      .toBe('hellO world\nfOo bAr\nHellO AgAin\nfOobAr bAz\n');
    expect(await out(['sed', '-n', '/foo/{s/o/0/;p}', 'g.txt'], { files: TEXT })).toBe('f0o bar\nf0obar baz\n');
    expect(await out(['sed', '2q'], { stdin: '1\n2\n3\n' })).toBe('1\n2\n');
    expect(await out(['sed', '-n', '$='], { stdin: '1\n2\n3\n' })).toBe('3\n');
    expect(await out(['sed', '1i top', 'g.txt'], { files: TEXT })).toMatch(/^top\nhello world\n/);
    expect(await out(['sed', '1a after'], { stdin: 'x\ny\n' })).toBe('x\nafter\ny\n');
    expect(await out(['sed', 'y/abc/xyz/'], { stdin: 'aabbcc\n' })).toBe('xxyyzz\n');
  });

  it('-i edits files in place', async () => {
    const r = await run(['sed', '-i', 's/hello/bye/', 'g.txt'], { files: TEXT });
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(new TextDecoder().decode(await r.container.readFile('/tmp/g.txt'))).toBe('bye world\nfoo bar\nHello again\nfoobar baz\n');
    expect((await r.container.listDir('/tmp')).sort()).toEqual(['g.txt']);
  });

  it('errors: bad script exit 1, missing file exit 2', async () => {
    const bad = await run(['sed', 's/x'], { stdin: 'x\n' });
    expect(bad.code).toBe(1);
    expect(bad.err).toBe("sed: -e expression #1: unterminated `s' command\n");
    const missing = await run(['sed', 'p', 'nofile']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe("sed: can't read nofile: No such file or directory\n");
  });
});

describe('find', () => {
  const files = { '/tmp/p/a.txt': 'a', '/tmp/p/b.log': 'bb', '/tmp/p/sub/c.txt': 'ccc', '/tmp/p/sub/deep/d.txt': '' };

  it('prints every path in name order, with -name, -type, -maxdepth, -mindepth', async () => {
    expect(await out(['find', 'p'], { files })).toBe('p\np/a.txt\np/b.log\np/sub\np/sub/c.txt\np/sub/deep\np/sub/deep/d.txt\n');
    expect(await out(['find', '.', '-name', '*.txt'], { files, cwd: '/tmp/p' })).toBe('./a.txt\n./sub/c.txt\n./sub/deep/d.txt\n');
    expect(await out(['find', 'p', '-type', 'd'], { files })).toBe('p\np/sub\np/sub/deep\n');
    expect(await out(['find', 'p', '-maxdepth', '1', '-type', 'f'], { files })).toBe('p/a.txt\np/b.log\n');
    expect(await out(['find', 'p', '-mindepth', '2', '-name', '*.txt'], { files })).toBe('p/sub/c.txt\np/sub/deep/d.txt\n');
    expect(await out(['find', 'p', '-name', '*.log', '-o', '-name', 'c*'], { files })).toBe('p/b.log\np/sub/c.txt\n');
    expect(await out(['find', 'p', '-type', 'f', '!', '-name', '*.txt'], { files })).toBe('p/b.log\n');
    expect(await out(['find', 'p', '-empty'], { files })).toBe('p/sub/deep/d.txt\n');
    expect(await out(['find', 'p', '-type', 'f', '-size', '+1c', '-print'], { files })).toBe('p/b.log\np/sub/c.txt\n');
  });

  it('-exec runs box applets for each file; -delete removes', async () => {
    expect(await out(['find', 'p', '-name', '*.txt', '-exec', 'cat', '{}', ';'], { files })).toBe('accc');
    expect(await out(['find', 'p', '-name', '*.txt', '-exec', 'echo', 'files:', '{}', '+'], { files }))
      .toBe('files: p/a.txt p/sub/c.txt p/sub/deep/d.txt\n');
    const del = await run(['find', 'p', '-name', '*.txt', '-delete'], { files });
    expect(del.code).toBe(0);
    expect((await del.container.readTree('/tmp/p')).map((e) => e.path).sort()).toEqual(['/b.log', '/sub', '/sub/deep']);
  });

  it('errors: a missing path, an unknown predicate', async () => {
    const r = await run(['find', 'nope']);
    expect(r.code).toBe(1);
    expect(r.err).toBe("find: 'nope': No such file or directory\n");
    const bad = await run(['find', '.', '-bogus']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe("find: unknown predicate `-bogus'\n");
  });
});

describe('xargs', () => {
  it('runs echo by default with all items', async () => {
    expect(await out(['xargs'], { stdin: 'a b\nc\n' })).toBe('a b c\n');
    expect(await out(['xargs'], { stdin: '' })).toBe('\n');
    expect(await out(['xargs', '-r'], { stdin: '' })).toBe('');
  });

  it('-n N splits the items into several command lines (box applets in-process)', async () => {
    expect(await out(['xargs', '-n', '2', 'echo'], { stdin: '1 2 3 4 5\n' })).toBe('1 2\n3 4\n5\n');
    expect(await out(['xargs', '-n', '1', '/bin/echo', '-n'], { stdin: 'a b' })).toBe('ab');
  });

  it('quotes and backslashes group words; -0 and -d split differently', async () => {
    expect(await out(['xargs', '-n', '1'], { stdin: `'a b' "c d" e\\ f\n` })).toBe('a b\nc d\ne f\n');
    expect(await out(['xargs', '-0', '-n', '1'], { stdin: 'x y\0z\0' })).toBe('x y\nz\n');
    expect(await out(['xargs', '-d', ',', 'echo'], { stdin: 'a,b' })).toBe('a b\n');
  });

  it('-I replaces in every argument, once per line', async () => {
    expect(await out(['xargs', '-I', '{}', 'echo', '<{}>', 'x{}'], { stdin: 'one\n  two\n' })).toBe('<one> xone\n<two> xtwo\n');
  });

  it('runs other box applets on files: xargs wc -l, xargs grep', async () => {
    const files = { '/tmp/a': '1\n2\n', '/tmp/b': '3\n' };
    expect(await out(['xargs', 'wc', '-l'], { files, stdin: 'a b\n' })).toBe('2 a\n1 b\n3 total\n');
    expect(await out(['xargs', 'grep', '-l', '3'], { files, stdin: 'a b\n' })).toBe('b\n');
  });

  it('exit 123 when a command fails', async () => {
    const r = await run(['xargs', 'cat'], { stdin: 'nope\n' });
    expect(r.code).toBe(123);
    expect(r.err).toBe('cat: nope: No such file or directory\n');
  });

  it('a program that is not a box applet goes through proc_spawn; a missing one is 127', async () => {
    const r = await run(['xargs', 'no-such-program'], { stdin: 'x\n' });
    expect(r.code).toBe(127);
    expect(r.err).toMatch(/^xargs: no-such-program: /);
  });
});
