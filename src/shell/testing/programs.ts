// Fake programs for the fake host: small TypeScript versions of coreutils
// that stream through ShellStreams (so pipelines really run concurrently and
// see EOF/EPIPE like WASI programs would).

import type { ShellHost, ShellStream } from '../host';

export interface ProgramContext {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly host: ShellHost;
  readonly stdin: ShellStream;
  readonly stdout: ShellStream;
  readonly stderr: ShellStream;
  /** Resolves with the signal number when the process is killed. */
  readonly killed: Promise<number>;
}

export type Program = (ctx: ProgramContext) => Promise<number>;

const enc = new TextEncoder();
const dec = new TextDecoder();

function write(s: ShellStream, text: string): Promise<void> {
  return s.write(enc.encode(text));
}

function abs(ctx: ProgramContext, p: string): string {
  return p.startsWith('/') ? p : `${ctx.cwd === '/' ? '' : ctx.cwd}/${p}`;
}

/** Lines of stdin or of the named files. */
async function* lines(ctx: ProgramContext, files: readonly string[]): AsyncGenerator<string> {
  const sources: (ShellStream | string)[] = files.length ? [...files] : [ctx.stdin];
  for (const src of sources) {
    let stream: ShellStream;
    if (typeof src === 'string') {
      if (src === '-') stream = ctx.stdin;
      else stream = ctx.host.open(abs(ctx, src), '<');
    } else stream = src;
    let buf = '';
    for (;;) {
      const chunk = await stream.read(1024);
      if (chunk === null) break;
      buf += dec.decode(chunk, { stream: true });
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        yield buf.slice(0, nl + 1);
        buf = buf.slice(nl + 1);
      }
    }
    if (buf) yield buf;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export const PROGRAMS: Record<string, Program> = {
  async cat(ctx) {
    const files = ctx.argv.slice(1);
    try {
      for await (const l of lines(ctx, files)) await write(ctx.stdout, l);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') {
        await write(ctx.stderr, `cat: ${files[0]}: No such file or directory\n`);
        return 1;
      }
      throw e;
    }
    return 0;
  },
  async yes(ctx) {
    const text = (ctx.argv.slice(1).join(' ') || 'y') + '\n';
    for (;;) await write(ctx.stdout, text.repeat(64));
  },
  async head(ctx) {
    let n = 10;
    const args = ctx.argv.slice(1);
    if (args[0] === '-n') { n = Number(args[1]); args.splice(0, 2); } else if (/^-[0-9]+$/.test(args[0] ?? '')) { n = Number(args[0].slice(1)); args.shift(); }
    let i = 0;
    if (n === 0) return 0;
    for await (const l of lines(ctx, args)) {
      await write(ctx.stdout, l);
      if (++i >= n) break;
    }
    return 0;
  },
  async grep(ctx) {
    const args = ctx.argv.slice(1);
    let invert = false;
    let count = false;
    while (args[0]?.startsWith('-')) {
      const a = args.shift()!;
      if (a.includes('v')) invert = true;
      if (a.includes('c')) count = true;
    }
    const pat = args.shift() ?? '';
    let matched = 0;
    for await (const l of lines(ctx, args)) {
      if (l.includes(pat) !== invert) {
        matched++;
        if (!count) await write(ctx.stdout, l);
      }
    }
    if (count) await write(ctx.stdout, `${matched}\n`);
    return matched > 0 ? 0 : 1;
  },
  async sleep(ctx) {
    await delay(Number(ctx.argv[1] ?? '0') * 1000);
    return 0;
  },
  async seq(ctx) {
    const nums = ctx.argv.slice(1).map(Number);
    const [first, last] = nums.length === 1 ? [1, nums[0]] : [nums[0], nums[1]];
    for (let i = first; i <= last; i++) await write(ctx.stdout, `${i}\n`);
    return 0;
  },
  async wc(ctx) {
    let n = 0;
    for await (const l of lines(ctx, ctx.argv.slice(1).filter((a) => !a.startsWith('-')))) { void l; n++; }
    await write(ctx.stdout, `${n}\n`);
    return 0;
  },
  async sort(ctx) {
    const all: string[] = [];
    for await (const l of lines(ctx, ctx.argv.slice(1).filter((a) => !a.startsWith('-')))) all.push(l.endsWith('\n') ? l : l + '\n');
    all.sort();
    if (ctx.argv.includes('-r')) all.reverse();
    await write(ctx.stdout, all.join(''));
    return 0;
  },
  async tr(ctx) {
    const [from, to] = ctx.argv.slice(1);
    for await (const l of lines(ctx, [])) {
      let out = '';
      for (const ch of l) {
        const i = from.indexOf(ch);
        out += i >= 0 ? to[Math.min(i, to.length - 1)] : ch;
      }
      await write(ctx.stdout, out);
    }
    return 0;
  },
  async printenv(ctx) {
    const names = ctx.argv.slice(1);
    if (names.length === 0) {
      await write(ctx.stdout, Object.entries(ctx.env).map(([k, v]) => `${k}=${v}\n`).join(''));
      return 0;
    }
    let status = 0;
    for (const n of names) {
      if (n in ctx.env) await write(ctx.stdout, ctx.env[n] + '\n');
      else status = 1;
    }
    return status;
  },
  /** Prints its arguments one per line in brackets: shows field splitting exactly. */
  async args(ctx) {
    await write(ctx.stdout, ctx.argv.slice(1).map((a) => `<${a}>`).join('') + '\n');
    return 0;
  },
  /** exits with the given status */
  async status(ctx) {
    return Number(ctx.argv[1] ?? '0');
  },
  /** Writes to stdout and stderr: shows redirection order. */
  async both(ctx) {
    await write(ctx.stdout, 'out\n');
    await write(ctx.stderr, 'err\n');
    return 0;
  },
  async pwd(ctx) {
    await write(ctx.stdout, ctx.cwd + '\n');
    return 0;
  },
  /** Runs until killed. */
  async forever(ctx) {
    await ctx.killed;
    return 0;
  },
};
