import { describe, expect, it } from 'vitest';
import { Shell } from './index';
import { FakeHost, fakeBinary } from './testing/FakeHost';
import { Sink, Source } from './testing/streams';

function shellOn(host: FakeHost, script = ''): { shell: Shell; ready: Promise<number> } {
  const o = new Sink();
  // A non-interactive shell that defines a few things first, then completion is asked of it.
  const shell = new Shell(host, { argv: ['sh'], env: { PATH: '/bin:/usr/bin', HOME: '/root' }, cwd: '/root', stdio: { stdin: new Source(script), stdout: o, stderr: o }, interactive: false });
  return { shell, ready: shell.run() };
}

function host(): FakeHost {
  const h = new FakeHost();
  h.writeFile('/usr/bin/catalog', fakeBinary('cat'), 0o755);
  h.writeFile('/usr/bin/cathedral.txt', 'not executable', 0o644);
  h.mkdir('/root/docs');
  h.mkdir('/root/docs/deep');
  h.writeFile('/root/docs/a.txt', '');
  h.writeFile('/root/docs/b.md', '');
  h.writeFile('/root/.secret', '');
  h.writeFile('/root/my file', '');
  return h;
}

describe('completion', () => {
  it('completes command names from builtins, functions, aliases and PATH', async () => {
    const { shell, ready } = shellOn(host(), 'catfn() { :; }\nalias catty=cat\n');
    await ready;
    expect(await shell.complete('cat', 3)).toEqual(['cat', 'catalog', 'catfn', 'catty']);
    expect(await shell.complete('ec', 2)).toEqual(['echo']);
    expect(await shell.complete('ls | he', 7)).toEqual(['head', 'help']);
    expect(await shell.complete('X=1 tr', 6)).toEqual(['tr', 'trap', 'true']);
    expect(await shell.complete('if tru', 6)).toEqual(['true']);
  });

  it('completes paths elsewhere, with a / after directories', async () => {
    const { shell, ready } = shellOn(host());
    await ready;
    expect(await shell.complete('cat docs/', 9)).toEqual(['docs/a.txt', 'docs/b.md', 'docs/deep/']);
    expect(await shell.complete('cat d', 5)).toEqual(['docs/']);
    expect(await shell.complete('cat docs/a', 10)).toEqual(['docs/a.txt']);
    expect(await shell.complete('cat /usr/bin/cath', 17)).toEqual(['/usr/bin/cathedral.txt']);
    expect(await shell.complete('cat ~/do', 8)).toEqual(['~/docs/']);
    expect(await shell.complete('echo x > do', 11)).toEqual(['docs/']);
  });

  it('hides dot files unless asked and escapes special characters', async () => {
    const { shell, ready } = shellOn(host());
    await ready;
    expect(await shell.complete('cat ', 4)).toEqual(['docs/', 'my\\ file']);
    expect(await shell.complete('cat .s', 6)).toEqual(['.secret']);
    expect(await shell.complete('cat my\\ f', 9)).toEqual(['my\\ file']);
    expect(await shell.complete('cat "my f', 9)).toEqual(['my\\ file']);
  });

  it('completes the word at the cursor, not at the end of the line', async () => {
    const { shell, ready } = shellOn(host());
    await ready;
    expect(await shell.complete('ech docs', 3)).toEqual(['echo']);
  });

  it('completes paths in command position when the word has a slash', async () => {
    const h = host();
    h.writeFile('/root/run.sh', '#!/bin/sh\n', 0o755);
    const { shell, ready } = shellOn(h);
    await ready;
    expect(await shell.complete('./r', 3)).toEqual(['./run.sh']);
    expect(await shell.complete('./d', 3)).toEqual(['./docs/']);
  });
});
