// The network images end to end in Node: httpd, kv and the clients of the
// base image (curl, nc, loadgen, kv-cli: #!flotilla:program markers for the
// nettools and kv programs) in real containers on user-defined networks,
// plus the WASIX socket conformance program tests/net/c/wasix_sockets.c.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileC } from '../../scripts/wasi-cc.mjs';
import { Runtime, type Container } from '../../src/api';
import type { ContainerOptions, ExitStatus } from '../../src/api/types';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

let rt: Runtime;

beforeAll(async () => {
  rt = await Runtime.create({ poolSize: 4 });
}, 120_000);

afterAll(async () => {
  await rt?.dispose();
});

/** Waits until the container's output (stdout and stderr) contains `text`. */
async function outputOf(container: Container, text: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!container.output().includes(text)) {
    if (container.state !== 'running') throw new Error(`${container.name} ended before printing ${JSON.stringify(text)}: ${JSON.stringify(container.output())}`);
    if (Date.now() > deadline) throw new Error(`${container.name} never printed ${JSON.stringify(text)}; it printed ${JSON.stringify(container.output())}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return container.output();
}

interface Ran {
  status: ExitStatus;
  stdout: string;
  stderr: string;
}

/** Runs one program of the base image (an absolute path, e.g. /usr/bin/curl) to its end. */
async function tool(program: string, args: string[], options: ContainerOptions = {}): Promise<Ran> {
  const container = await rt.run('base', { entrypoint: [program], args, ...options });
  const status = await container.wait();
  const ran = { status, stdout: container.output({ stdout: true, stderr: false }), stderr: container.output({ stdout: false, stderr: true }) };
  await container.remove();
  return ran;
}

/** An httpd container on `network`, up and listening. */
async function startHttpd(name: string, network: string, options: ContainerOptions = {}): Promise<Container> {
  const web = await rt.run('httpd', { name, networks: [network], ...options });
  await outputOf(web, 'listening on port 80');
  return web;
}

describe('httpd and curl', () => {
  it('serve and fetch: /healthz, files with their types, HEAD, 404 and 405, a default page naming the container, an access log', async () => {
    rt.networks.create('web-net');
    const web = await startHttpd('web', 'web-net', { files: { '/var/www/hello.txt': 'hi there\n', '/var/www/docs/index.html': '<p>docs</p>\n' } });
    const net = { networks: ['web-net'] };

    const health = await tool('/usr/bin/curl', ['-s', 'http://web/healthz'], net);
    expect(health).toMatchObject({ stdout: 'ok\n', stderr: '' });
    expect(health.status.exitCode).toBe(0);

    const file = await tool('/usr/bin/curl', ['-si', 'http://web/hello.txt'], net);
    expect(file.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(file.stdout).toContain('Content-Type: text/plain; charset=utf-8\r\n');
    expect(file.stdout).toContain('Content-Length: 9\r\n');
    expect(file.stdout.endsWith('\r\n\r\nhi there\n')).toBe(true);

    const index = await tool('/usr/bin/curl', ['-sL', 'http://web/docs'], net);  // 301 to /docs/, then its index.html
    expect(index.stdout).toBe('<p>docs</p>\n');

    const head = await tool('/usr/bin/curl', ['-sI', 'http://web/hello.txt'], net);
    expect(head.stdout).toContain('Content-Length: 9\r\n');
    expect(head.stdout.endsWith('\r\n\r\n')).toBe(true);

    const home = await tool('/usr/bin/curl', ['-s', 'http://web/'], net);
    const hostname = (await web.readFile('/etc/hostname').then((bytes) => new TextDecoder().decode(bytes))).trim();
    expect(hostname).not.toBe('');
    expect(home.stdout).toContain(`<h1>Hello from ${hostname}</h1>`);

    const missing = await tool('/usr/bin/curl', ['-s', '-o', '/tmp/page', 'http://web/nope'], net);
    expect(missing.status.exitCode).toBe(0);  // without -f an HTTP error is a successful transfer
    const failed = await tool('/usr/bin/curl', ['-f', 'http://web/nope'], net);
    expect(failed.status.exitCode).toBe(22);
    expect(failed.stderr).toBe('curl: (22) The requested URL returned error: 404\n');
    expect(failed.stdout).toBe('');

    const post = await tool('/usr/bin/curl', ['-si', '-d', 'a=1', 'http://web/'], net);
    expect(post.stdout).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(post.stdout).toContain('Allow: GET, HEAD\r\n');

    // One Common Log Format line per request on httpd's stdout.
    const log = web.output({ stdout: true, stderr: false });
    expect(log).toMatch(/^172\.\d+\.\d+\.\d+:\d+ - - \[[^\]]+\] "GET \/healthz HTTP\/1\.1" 200 3$/m);
    expect(log).toMatch(/"HEAD \/hello\.txt HTTP\/1\.1" 200 0$/m);
    expect(log).toMatch(/"GET \/nope HTTP\/1\.1" 404 \d+$/m);
    expect(log).toMatch(/"POST \/ HTTP\/1\.1" 405 \d+$/m);
    await web.remove({ force: true });
  });

  it('curl exits 6 for a name that does not resolve and 7 when nothing listens, with curl\'s messages', async () => {
    rt.networks.create('curl-errors');
    const web = await startHttpd('curl-target', 'curl-errors');
    const net = { networks: ['curl-errors'] };
    const unknown = await tool('/usr/bin/curl', ['http://nosuch/'], net);
    expect(unknown.status.exitCode).toBe(6);
    expect(unknown.stderr).toBe('curl: (6) Could not resolve host: nosuch\n');
    const refused = await tool('/usr/bin/curl', ['http://curl-target:81/'], net);
    expect(refused.status.exitCode).toBe(7);
    expect(refused.stderr).toBe('curl: (7) Failed to connect to curl-target port 81: Connection refused\n');
    const silent = await tool('/usr/bin/curl', ['-s', 'http://curl-target:81/'], net);
    expect(silent).toMatchObject({ stdout: '', stderr: '' });
    expect(silent.status.exitCode).toBe(7);
    // From another network the name does not resolve at all.
    expect((await tool('/usr/bin/curl', ['-s', 'http://curl-target/'])).status.exitCode).toBe(6);
    await web.remove({ force: true });
  });

  // Programs the shell starts run in process workers, each with its own port to the network's control plane.
  it('the clients work from the shell (its PATH, pipes)', async () => {
    rt.networks.create('shell-net');
    const web = await startHttpd('shell-web', 'shell-net');
    const sh = await rt.run('base', { args: ['-c', 'curl -s http://shell-web/healthz | wc -c; nc -z shell-web 80 && echo open'], networks: ['shell-net'] });
    const status = await sh.wait();
    expect(sh.output()).toBe('3\nopen\n');
    expect(status.exitCode).toBe(0);
    await web.remove({ force: true });
  });
});

describe('loadgen', () => {
  it('drives httpd with keep-alive and concurrent connections and reports requests/s and latency', async () => {
    rt.networks.create('load-net');
    const web = await startHttpd('load-web', 'load-net', { args: ['-q'] });
    const result = await tool('/usr/bin/loadgen', ['-n', '300', '-c', '8', '-k', 'http://load-web/healthz'], { networks: ['load-net'] });
    expect(result.status.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Completed: +300$/m);
    expect(result.stdout).toMatch(/^Failed: +0$/m);
    expect(result.stdout).toMatch(/^Requests\/s: +\d+\.\d$/m);
    expect(result.stdout).toMatch(/^Latency: +min \d+(\.\d+)? (µs|ms|s), p50 .+, p90 .+, p99 .+, max .+$/m);
    expect(result.stdout).toMatch(/^Status codes: +\[200\] 300$/m);
    expect(result.stdout).toMatch(/^Connections: +8 opened$/m);
    // Without -k every request has a connection of its own.
    const fresh = await tool('/usr/bin/loadgen', ['-n', '40', '-c', '4', 'http://load-web/'], { networks: ['load-net'] });
    expect(fresh.status.exitCode).toBe(0);
    expect(fresh.stdout).toMatch(/^Connections: +40 opened$/m);
    // Refused connections are failures: exit 1, counted by reason.
    const refused = await tool('/usr/bin/loadgen', ['-n', '5', '-c', '1', 'http://load-web:81/'], { networks: ['load-net'] });
    expect(refused.status.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/^Failed: +5$/m);
    expect(refused.stdout).toMatch(/^Error: +5 x Connection refused$/m);
    await web.remove({ force: true });
  });
});

describe('kv and kv-cli', () => {
  async function startKv(name: string, network: string): Promise<Container> {
    const kv = await rt.run('kv', { name, networks: [network] });
    await outputOf(kv, 'ready to accept connections');
    return kv;
  }

  it('SET, GET, INCR, EXPIRE, TTL, KEYS and errors, in redis-cli\'s format', async () => {
    rt.networks.create('kv-net');
    const kv = await startKv('cache', 'kv-net');
    const net = { networks: ['kv-net'] };
    const script = [
      'SET greeting "hello world"',
      'GET greeting',
      'GET missing',
      'INCR visits',
      'INCRBY visits 10',
      'INCR greeting',
      'SET session abc EX 100',
      'TTL session',
      'TTL greeting',
      'TTL missing',
      'EXPIRE greeting 50',
      'TTL greeting',
      "KEYS *",
      "KEYS s*",
      'KEYS nothing*',
      'DEL visits missing',
      'set lower case',
      'NOSUCH a b',
      'GET',
    ].join('\n') + '\n';
    const batch = await tool('/usr/bin/kv-cli', ['-h', 'cache'], { ...net, stdin: script });
    expect(batch.stdout).toBe([
      'OK',
      '"hello world"',
      '(nil)',
      '(integer) 1',
      '(integer) 11',
      '(error) ERR value is not an integer or out of range',
      'OK',
      '(integer) 100',
      '(integer) -1',
      '(integer) -2',
      '(integer) 1',
      '(integer) 50',
      '1) "greeting"',
      '2) "session"',
      '3) "visits"',
      '1) "session"',
      '(empty array)',
      '(integer) 1',
      'OK',
      "(error) ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ",
      "(error) ERR wrong number of arguments for 'get' command",
    ].join('\n') + '\n');
    expect(batch.status.exitCode).toBe(1);  // some replies were errors

    // One command from the command line; keys expire.
    const set = await tool('/usr/bin/kv-cli', ['-h', 'cache', 'SET', 'flash', 'gone soon', 'PX', '200'], net);
    expect(set.stdout).toBe('OK\n');
    expect(set.status.exitCode).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await tool('/usr/bin/kv-cli', ['-h', 'cache', 'GET', 'flash'], net)).stdout).toBe('(nil)\n');
    expect((await tool('/usr/bin/kv-cli', ['-h', 'cache', '--raw', 'GET', 'greeting'], net)).stdout).toBe('hello world\n');

    // Inline commands straight over nc, as with redis.
    const inline = await tool('/usr/bin/nc', ['cache', '6379'], { ...net, stdin: 'PING\r\nGET greeting\r\n' });
    expect(inline.stdout).toBe('+PONG\r\n$11\r\nhello world\r\n');

    // On a terminal: a prompt, one reply per line typed, `quit` ends it.
    const term = await rt.run('base', { entrypoint: ['/usr/bin/kv-cli'], args: ['-h', 'cache'], tty: true, ...net });
    await outputOf(term, 'cache:6379> ');
    term.tty!.input('GET greeting\n');
    await outputOf(term, '"hello world"');
    term.tty!.input('quit\n');
    expect((await term.wait()).exitCode).toBe(0);
    expect(term.output().replace(/\r\n/g, '\n')).toBe('cache:6379> "hello world"\ncache:6379> ');
    await term.remove();

    const refused = await tool('/usr/bin/kv-cli', ['-h', 'cache', '-p', '6380', 'PING'], net);
    expect(refused.status.exitCode).toBe(1);
    expect(refused.stderr).toBe('Could not connect to kv at cache:6380: Connection refused\n');
    await kv.remove({ force: true });
  });
});

describe('nc', () => {
  it('relays both ways and half-closes at EOF on stdin; -z checks ports', async () => {
    rt.networks.create('nc-net');
    const listener = await rt.run('base', { name: 'listener', entrypoint: ['/usr/bin/nc'], args: ['-l', '-v', '-p', '7000'], stdin: 'from the server\n', networks: ['nc-net'] });
    await outputOf(listener, 'Listening on 0.0.0.0 7000');
    const client = await tool('/usr/bin/nc', ['listener', '7000'], { networks: ['nc-net'], stdin: 'from the client\n' });
    expect(client.stdout).toBe('from the server\n');
    expect(client.status.exitCode).toBe(0);
    const served = await listener.wait();
    expect(served.exitCode).toBe(0);
    expect(listener.output({ stdout: true, stderr: false })).toBe('from the client\n');
    expect(listener.output({ stdout: false, stderr: true })).toMatch(/^Listening on 0\.0\.0\.0 7000\nConnection received on 172\.\d+\.\d+\.\d+ \d+\n$/);
    await listener.remove();

    const web = await startHttpd('nc-web', 'nc-net');
    const open = await tool('/usr/bin/nc', ['-zv', 'nc-web', '80'], { networks: ['nc-net'] });
    expect(open.status.exitCode).toBe(0);
    expect(open.stderr).toBe('Connection to nc-web 80 port [tcp/*] succeeded!\n');
    const closed = await tool('/usr/bin/nc', ['-z', 'nc-web', '81'], { networks: ['nc-net'] });
    expect(closed.status.exitCode).toBe(1);
    // An HTTP request by hand: the half-close after the request still gets the whole answer.
    const byHand = await tool('/usr/bin/nc', ['nc-web', '80'], { networks: ['nc-net'], stdin: 'GET /healthz HTTP/1.0\r\n\r\n' });
    expect(byHand.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok\n$/);
    await web.remove({ force: true });
  });
});

describe('WASIX sockets', () => {
  it('tests/net/c/wasix_sockets.c passes every check', async () => {
    const wasm = await compileC(
      {
        'wasix_sockets.c': readFileSync(join(HERE, 'c', 'wasix_sockets.c'), 'utf8'),
        'include/flotilla_net.h': readFileSync(join(ROOT, 'images', 'include', 'flotilla_net.h'), 'utf8'),
      },
      ['wasix_sockets.c'],
      { flags: ['-Iinclude', '-Wextra'] },
    );
    await rt.importProgram('wasix-sockets', wasm);
    rt.networks.create('wasix-net');
    const probe = await rt.run('wasix-sockets', { networks: ['wasix-net'] });
    const status = await probe.wait();
    const output = probe.output();
    expect(output.split('\n').filter((line) => line.startsWith('FAIL')), output).toEqual([]);
    expect(output).toMatch(/^\d+ checks, 0 failed$/m);
    expect(status.exitCode).toBe(0);
  }, 60_000);
});
