// CRuby (ruby+stdlib.wasm from @ruby/3.4-wasm-wasi, ~30 MB) run as the
// `ruby` command by src/workers/drivers/ruby.ts over our WasiProcess and a
// real ContainerFs holding the built `ruby` image (images/ruby), in-process.
// The binary is read from the container fs and compiled once for the file;
// every run gets a fresh instance and fs, as a container process would.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContainerFs } from '../../src/fs/ContainerFs';
import { ImageLayer } from '../../src/fs/ImageLayer';
import { ImageStore, type LoadedImage } from '../../src/images/ImageStore';
import { NodeImageSource } from '../../src/images/NodeImageSource';
import { ProcessKilled, WasiProcess } from '../../src/wasi';
import { BufferInput, CollectOutput, SleepWaiter } from '../../src/wasi/testing/fakes';
import { parseRubyArgs, runRuby } from '../../src/workers/drivers/ruby';

const RUBY_WASM = createRequire(import.meta.url).resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm');

const BUILT_IMAGES = join(dirname(fileURLToPath(import.meta.url)), '../../build/images');
const RUBY = '/usr/local/bin/ruby';

let image: LoadedImage;
let module: WebAssembly.Module;

function imageFs(): ContainerFs {
  return new ContainerFs({ layers: image.layers.map((layer) => new ImageLayer(layer.entries)) });
}

beforeAll(async () => {
  image = await new ImageStore(new NodeImageSource(BUILT_IMAGES)).get('ruby');
  module = await WebAssembly.compile(imageFs().readFile(RUBY) as Uint8Array<ArrayBuffer>);
});

interface RunOptions {
  /** Files written into the container fs first (absolute paths). */
  files?: Record<string, string>;
  /** All of stdin, available at once, then end of input. */
  stdin?: string;
  /** Stdin that arrives one chunk per waiter wake-up (the guest blocks in between), then ends. */
  stdinChunks?: string[];
  env?: string[];
  /** checkSignals throws ProcessKilled(SIGINT) once the guest has waited this often. */
  killAfterWaits?: number;
  /** stdin/stdout/stderr are terminals (fd_fdstat_get says character device). */
  tty?: boolean;
}

async function ruby(argv: string[], options: RunOptions = {}) {
  const fs = imageFs();
  for (const [path, text] of Object.entries(options.files ?? {})) fs.writeFile(path, text);
  const stdin = new BufferInput(options.stdin ?? '', options.tty ?? false);
  const chunks = [...(options.stdinChunks ?? [])];
  stdin.closed = chunks.length === 0;
  const waiter = new SleepWaiter();
  const stdout = new CollectOutput(options.tty ?? false);
  const stderr = new CollectOutput(options.tty ?? false);
  /** What stdout held each time the guest blocked. */
  const stdoutAtWait: string[] = [];
  waiter.onWait = () => {
    stdoutAtWait.push(stdout.text());
    if (chunks.length > 0) stdin.push(chunks.shift()!);
    else stdin.closed = true;
  };
  const checkSignals = () => {
    if (options.killAfterWaits !== undefined && waiter.calls >= options.killAfterWaits) throw new ProcessKilled(2);
  };
  // A real stdin blocks inside read, waiting and re-checking signals.
  stdin.whenEmpty = () => { waiter.wait(Infinity); checkSignals(); };
  const wasi = new WasiProcess({
    args: argv,
    env: options.env ?? image.config.Env,
    preopens: [{ guestPath: '/', dir: fs.root }],
    stdin, stdout, stderr, waiter, checkSignals,
  });
  let memory: unknown;
  const status = await runRuby(module, wasi, argv, (instance) => { memory = instance.exports.memory; });
  expect(memory).toBeInstanceOf(WebAssembly.Memory);
  return { status, stdout: stdout.text(), stderr: stderr.text(), waits: waiter.calls, stdoutAtWait, fs };
}

describe('the ruby image', () => {
  it('holds the npm package\'s ruby+stdlib.wasm as its entrypoint and names the driver', () => {
    expect(image.config.Entrypoint).toEqual([RUBY]);
    expect(image.config.Labels['io.flotilla.driver']).toBe('ruby');
    expect(image.config.Env).toContain('PATH=/usr/local/bin:/usr/bin:/bin');
    const node = imageFs().lookupPath(RUBY);
    expect(node?.kind === 'file' && node.stat().mode & 0o777).toBe(0o755);
    expect(Buffer.from(imageFs().readFile(RUBY)).equals(readFileSync(RUBY_WASM))).toBe(true);
  });
});

describe('parseRubyArgs', () => {
  it('-e: the code leaves argv, the rest goes behind --', () => {
    expect(parseRubyArgs(['ruby', '-w', '-e', 'p 1', '-e', 'p 2', 'a', '-b'])).toEqual({
      mode: 'e', code: 'p 1\np 2', syntaxOnly: false, requires: [],
      rubyArgs: ['ruby', '-EUTF-8', '-w', '-e', '', '--', 'a', '-b'],
    });
    expect(parseRubyArgs(['ruby', '-rjson', '-we', 'p 1', '--', 'x'])).toMatchObject({
      requires: ['json'], rubyArgs: ['ruby', '-EUTF-8', '-r', 'json', '-w', '-e', '', '--', 'x'],
    });
  });
  it('script, stdin and info modes', () => {
    expect(parseRubyArgs(['ruby', 'app.rb', '-v', 'x'])).toMatchObject({ mode: 'script', script: 'app.rb', rubyArgs: ['ruby', '-EUTF-8', '-e', '', '--', '-v', 'x'] });
    expect(parseRubyArgs(['ruby', '--', '-odd.rb'])).toMatchObject({ mode: 'script', script: '-odd.rb' });
    expect(parseRubyArgs(['ruby'])).toMatchObject({ mode: 'stdin' });
    expect(parseRubyArgs(['ruby', '-', 'a'])).toMatchObject({ mode: 'stdin', rubyArgs: ['ruby', '-EUTF-8', '-e', '', '--', 'a'] });
    expect(parseRubyArgs(['ruby', '-v'])).toMatchObject({ mode: 'info', rubyArgs: ['ruby', '-EUTF-8', '-v'] });
    expect(parseRubyArgs(['ruby', '--version'])).toMatchObject({ mode: 'info' });
    expect(parseRubyArgs(['ruby', '-v', 'x.rb'])).toMatchObject({ mode: 'script', rubyArgs: ['ruby', '-EUTF-8', '-v', '-e', '', '--'] });
    expect(parseRubyArgs(['ruby', '-E', 'ASCII-8BIT', '-c', 'x.rb'])).toMatchObject({ syntaxOnly: true, rubyArgs: ['ruby', '-E', 'ASCII-8BIT', '-e', '', '--'] });
  });
});

// A run boots a VM (~0.5-1.5 s, more on a loaded machine); some tests do several.
describe('ruby on the Flotilla WASI layer', { timeout: 120_000 }, () => {
  it('-e prints', async () => {
    const r = await ruby(['ruby', '-e', 'puts 6*7']);
    expect(r).toMatchObject({ status: 0, stdout: '42\n', stderr: '' });
  });

  it('-e with ARGV, $0 and __FILE__', async () => {
    const r = await ruby(['ruby', '-e', 'p ARGV, $0, __FILE__', 'a', '-b', 'c d']);
    expect(r.stdout).toBe('["a", "-b", "c d"]\n"-e"\n"-e"\n');
  });

  it('requires from the packed stdlib (json)', async () => {
    const r = await ruby(['ruby', '-e', 'require "json"; puts JSON.generate({a: 1})']);
    expect(r).toMatchObject({ status: 0, stdout: '{"a":1}\n', stderr: '' });
  });

  it('runs a script from the container fs with ARGV, $0, __FILE__, require_relative and DATA', async () => {
    const r = await ruby(['ruby', 'app.rb', 'x', '--flag'], {
      files: {
        '/app.rb': 'require_relative "lib/greet"\nputs greet(ARGV.join(","))\np [$0, __FILE__, __FILE__ == $0]\nputs DATA.read\n__END__\ndata line\n',
        '/lib/greet.rb': 'def greet(who) = "hello #{who}"\n',
      },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello x,--flag\n["app.rb", "app.rb", true]\ndata line\n');
    expect(r.status).toBe(0);
  });

  it('a missing script: LoadError like ruby, status 1', async () => {
    const r = await ruby(['ruby', 'nope.rb']);
    expect(r).toMatchObject({ status: 1, stdout: '', stderr: 'ruby: No such file or directory -- nope.rb (LoadError)\n' });
  });

  it('reads the program from stdin', async () => {
    const r = await ruby(['ruby'], { stdin: 'puts 1\np $0\n' });
    expect(r).toMatchObject({ status: 0, stdout: '1\n"-"\n', stderr: '' });
  });

  it('a script reads STDIN (STDIN.read and a gets loop)', async () => {
    const read = await ruby(['ruby', '-e', 'print STDIN.read.upcase'], { stdin: 'abc\ndef\n' });
    expect(read.stdout).toBe('ABC\nDEF\n');
    const lines = await ruby(['ruby', '-e', 'n = 0; while (line = gets); n += 1; puts "#{n}: #{line.chomp.reverse}"; end'], { stdin: 'héllo\nworld\n' });
    expect(lines.stdout).toBe('1: olléh\n2: dlrow\n');
  });

  it('blocks on stdin until input arrives (through the waiter)', async () => {
    const r = await ruby(['ruby', '-e', 'while (line = STDIN.gets); puts "got #{line}"; STDOUT.flush; end; puts "eof"'], {
      stdinChunks: ['one\n', 'tw', 'o\n'],
    });
    expect(r.stdout).toBe('got one\ngot two\neof\n');
    expect(r.waits).toBeGreaterThanOrEqual(3);
  });

  it('on a terminal, a prompt without newline is out before gets blocks', async () => {
    const r = await ruby(['ruby', '-e', 'print "Name? "; name = gets.chomp; puts "Hi #{name}!"; p STDIN.tty?'], {
      tty: true, stdinChunks: ['Ada\n'],
    });
    expect(r.stdoutAtWait[0]).toBe('Name? ');
    expect(r.stdout).toBe('Name? Hi Ada!\ntrue\n');
  });

  it('exit 3 → status 3; at_exit handlers run, last first', async () => {
    const r = await ruby(['ruby', '-e', 'at_exit { puts "first" }; at_exit { puts "second" }; puts "main"; exit 3']);
    expect(r).toMatchObject({ status: 3, stdout: 'main\nsecond\nfirst\n' });
    expect((await ruby(['ruby', '-e', 'abort "bad"'])).status).toBe(1);
    // exit! skips at_exit and Ruby's buffers, as in ruby; no VM bug report either.
    expect(await ruby(['ruby', '-e', 'at_exit { puts "no" }; $stderr.puts "err"; exit!(4)'])).toMatchObject({ status: 4, stdout: '', stderr: 'err\n' });
    expect((await ruby(['ruby', '-e', 'exit false'])).status).toBe(1);
  });

  it('an uncaught exception: ruby\'s message on stderr, status 1', async () => {
    const r = await ruby(['ruby', 'script.rb'], { files: { '/script.rb': 'raise "boom"\n' } });
    expect(r).toMatchObject({ status: 1, stdout: '' });
    expect(r.stderr).toBe("script.rb:1:in '<main>': boom (RuntimeError)\n");
    const nested = await ruby(['ruby', '-e', 'def f = 1 / 0\nf']);
    expect(nested.status).toBe(1);
    expect(nested.stderr).toBe("-e:1:in 'Integer#/': divided by 0 (ZeroDivisionError)\n\tfrom -e:1:in 'Object#f'\n\tfrom -e:2:in '<main>'\n");
  });

  it('minitest/autorun (a bundled gem, run from at_exit) reports and sets the status', async () => {
    const test = (body: string) => `require "minitest/autorun"\nclass T < Minitest::Test\n  def test_it = ${body}\nend\n`;
    const pass = await ruby(['ruby', 't.rb'], { files: { '/t.rb': test('assert_equal 2, 1 + 1') } });
    expect(pass.stdout).toMatch(/1 runs, 1 assertions, 0 failures, 0 errors/);
    expect(pass.status).toBe(0);
    const fail = await ruby(['ruby', 't.rb'], { files: { '/t.rb': test('assert_equal 3, 1 + 1') } });
    expect(fail.stdout).toMatch(/1 runs, 1 assertions, 1 failures, 0 errors/);
    expect(fail.status).toBe(1);
  });

  it('a syntax error is reported at the program (prism, syntax_suggest), status 1', async () => {
    const r = await ruby(['ruby', '-e', 'puts(']);
    expect(r).toMatchObject({ status: 1, stdout: '' });
    expect(r.stderr).toMatch(/^-e: -e:1: syntax errors? found \(SyntaxError\)\n> 1 \| puts\(\n/);
    const script = await ruby(['ruby', 'bad.rb'], { files: { '/bad.rb': 'def f\n  puts 1\n' } });
    expect(script).toMatchObject({ status: 1, stdout: '' });
    expect(script.stderr).toMatch(/^bad\.rb: --> bad\.rb\n.*Unmatched keyword, missing `end' \?.*bad\.rb:2: syntax errors found \(SyntaxError\)\n/s);
    // Without the image's SYNTAX_SUGGEST_TIMEOUT=0, syntax_suggest needs a thread: the plain message.
    const plain = await ruby(['ruby', 'bad.rb'], { files: { '/bad.rb': 'def f\n' }, env: [] });
    expect(plain).toMatchObject({ status: 1, stdout: '' });
    expect(plain.stderr).toMatch(/^bad\.rb: bad\.rb:1: syntax errors found \(SyntaxError\)\n/);
  });

  it('-r: libraries load before the program; a missing one stops it with status 1', async () => {
    expect(await ruby(['ruby', '-rjson', '-e', 'puts [1].to_json'])).toMatchObject({ status: 0, stdout: '[1]\n' });
    const r = await ruby(['ruby', '-rnope', '-e', 'puts "ran"']);
    expect(r).toMatchObject({ status: 1, stdout: '' });
    expect(r.stderr).toMatch(/cannot load such file -- nope \(LoadError\)/);
  });

  it('ruby_options errors (invalid switch, bad -C) are ruby\'s own, status 1; -C changes directory', async () => {
    expect(await ruby(['ruby', '-Z', '-e', 'puts 1'])).toMatchObject({
      status: 1, stdout: '', stderr: 'ruby: invalid option -Z  (-h will show valid options) (RuntimeError)\n',
    });
    expect(await ruby(['ruby', '-C', '/nope', '-e', 'puts 1'])).toMatchObject({ status: 1, stdout: '', stderr: 'ruby: Can\'t chdir to /nope (fatal)\n' });
    expect(await ruby(['ruby', '-C', '/tmp', '-e', 'puts Dir.pwd'])).toMatchObject({ status: 0, stdout: '/tmp\n' });
  });

  it('-c checks syntax only', async () => {
    const r = await ruby(['ruby', '-c', 'ok.rb'], { files: { '/ok.rb': 'puts "not run"\n' } });
    expect(r).toMatchObject({ status: 0, stdout: 'Syntax OK\n' });
  });

  it('-v and --version print the version', async () => {
    const v = await ruby(['ruby', '-v']);
    expect(v).toMatchObject({ status: 0, stderr: '' });
    expect(v.stdout).toMatch(/^ruby 3\.4\.\d+ .*\[wasm32-wasi\]\n$/);
    expect((await ruby(['ruby', '--version'])).stdout).toBe(v.stdout);
  });

  it('writes files into the container fs', async () => {
    const r = await ruby(['ruby', '-e', 'File.write("/tmp/out.txt", "hi from ruby\\n"); puts Dir.children("/tmp")']);
    expect(r.stdout).toBe('out.txt\n');
    expect(new TextDecoder().decode(r.fs.readFile('/tmp/out.txt'))).toBe('hi from ruby\n');
  });

  it('a kill while blocked on stdin propagates as ProcessKilled', async () => {
    const run = ruby(['ruby', '-e', 'STDIN.gets; puts "not reached"'], { stdinChunks: ['', '', '', ''], killAfterWaits: 2 });
    await expect(run).rejects.toMatchObject({ name: 'ProcessKilled', signal: 2 });
  });
});
