// Job control builtins: jobs fg bg wait kill.

import { ShellHostError } from '../host';
import { parseSignal, SIGNALS } from '../jobs';
import { writeText } from '../io';
import { type Builtin, type BuiltinContext, fail, out } from './types';

async function jobs(ctx: BuiltinContext): Promise<number> {
  const table = ctx.interp.jobs;
  const flags = ctx.argv.slice(1).filter((a) => a.startsWith('-')).join('');
  let text = '';
  for (const job of [...table.jobs]) {
    if (flags.includes('p')) {
      text += `${job.pid}\n`;
      continue;
    }
    let line = table.describe(job);
    if (flags.includes('l')) line = line.replace(/^(\[\d+\][+ -])/, `$1 ${job.pid}`);
    text += line + '\n';
  }
  await out(ctx, text);
  // A finished job is reported once: here rather than before the next prompt.
  for (const job of [...table.jobs]) if (job.status !== undefined) table.remove(job);
  return 0;
}

async function fg(ctx: BuiltinContext): Promise<number> {
  const { interp } = ctx;
  const job = interp.jobs.find(ctx.argv[1]);
  if (!job) return fail(ctx, `${ctx.argv[1] ?? 'current'}: no such job`);
  await out(ctx, job.text + '\n');
  job.group.takeTerminal();
  let status: number;
  try {
    status = await interp.shared.interruptible(job.done);
  } finally {
    job.group.release();
  }
  interp.jobs.remove(job);
  if (status === 130) await writeText(ctx.io.stderr, '\n');
  return status;
}

async function bg(ctx: BuiltinContext): Promise<number> {
  const { interp } = ctx;
  const job = interp.jobs.find(ctx.argv[1]);
  if (!job) return fail(ctx, `${ctx.argv[1] ?? 'current'}: no such job`);
  if (job.status === undefined) {
    // Jobs cannot be stopped here (no SIGTSTP), so a listed job is already running.
    job.group.kill(18);
    await out(ctx, `[${job.id}]${interp.jobs.mark(job)} ${job.text} &\n`);
  }
  return 0;
}

async function wait(ctx: BuiltinContext): Promise<number> {
  const { interp } = ctx;
  const specs = ctx.argv.slice(1);
  if (specs.length === 0) {
    for (const job of [...interp.jobs.jobs]) {
      await interp.shared.interruptible(job.done);
      interp.jobs.remove(job);
    }
    return 0;
  }
  let status = 0;
  for (const spec of specs) {
    const job = interp.jobs.find(spec);
    if (!job) {
      status = await fail(ctx, spec.startsWith('%') ? `${spec}: no such job` : `pid ${spec} is not a child of this shell`, 127);
      continue;
    }
    status = await interp.shared.interruptible(job.done);
    interp.jobs.remove(job);
  }
  return status;
}

async function kill(ctx: BuiltinContext): Promise<number> {
  const { interp } = ctx;
  const args = ctx.argv.slice(1);
  if (args.length === 0) return fail(ctx, 'usage: kill [-s sigspec | -signum | -sigspec] pid | jobspec ... or kill -l [sigspec]', 2);
  if (args[0] === '-l' || args[0] === '-L') {
    if (args.length > 1) {
      let text = '';
      for (const a of args.slice(1)) {
        const n = Number(a);
        if (Number.isInteger(n)) {
          const name = SIGNALS[n > 128 ? n - 128 : n];
          if (!name) return fail(ctx, `${a}: invalid signal specification`);
          text += name + '\n';
        } else {
          const s = parseSignal(a);
          if (s === undefined) return fail(ctx, `${a}: invalid signal specification`);
          text += s + '\n';
        }
      }
      await out(ctx, text);
      return 0;
    }
    await out(ctx, Object.entries(SIGNALS).map(([n, s]) => `${n.padStart(2)}) SIG${s}`).join('\n') + '\n');
    return 0;
  }
  let signal = 15;
  let targets = args;
  if (args[0] === '-s' || args[0] === '-n') {
    const s = args[1] === undefined ? undefined : parseSignal(args[1]);
    if (s === undefined) return fail(ctx, `${args[1] ?? ''}: invalid signal specification`);
    signal = s;
    targets = args.slice(2);
  } else if (args[0].startsWith('-') && args[0] !== '--') {
    const s = parseSignal(args[0].slice(1));
    if (s === undefined) return fail(ctx, `${args[0].slice(1)}: invalid signal specification`);
    signal = s;
    targets = args.slice(1);
  } else if (args[0] === '--') {
    targets = args.slice(1);
  }
  let status = 0;
  for (const t of targets) {
    if (t.startsWith('%')) {
      const job = interp.jobs.find(t);
      if (!job) {
        status = await fail(ctx, `${t}: no such job`);
        continue;
      }
      job.group.kill(signal);
      if (signal !== 18 && signal !== 0) job.cancel();
      continue;
    }
    if (!/^-?[0-9]+$/.test(t)) {
      status = await fail(ctx, `${t}: arguments must be process or job IDs`);
      continue;
    }
    const pid = Number(t);
    const proc = interp.jobs.jobs.flatMap((j) => j.group.procs).find((p) => p.pid === pid);
    const job = interp.jobs.jobs.find((j) => j.pid === pid);
    try {
      if (job && !proc) {
        job.group.kill(signal);
        if (signal !== 18 && signal !== 0) job.cancel();
      } else if (proc) proc.kill(signal);
      else if (pid < 0) interp.host.killGroup(-pid, signal);
      else if (interp.host.kill) interp.host.kill(pid, signal);
      else throw new ShellHostError('ESRCH', 'No such process');
    } catch (e) {
      if (!(e instanceof ShellHostError)) throw e;
      status = await fail(ctx, `(${t}) - No such process`);
    }
  }
  return status;
}

export const JOB_BUILTINS: Record<string, Builtin> = {
  jobs: { help: 'List background jobs (-l: with pids, -p: pids only)', run: jobs },
  fg: { help: 'Bring a job to the foreground (fg [%n])', run: fg },
  bg: { help: 'Let a job continue in the background (bg [%n])', run: bg },
  wait: { help: 'Wait for background jobs to finish (wait [%n|pid]...)', run: wait },
  kill: { help: 'Send a signal to jobs or processes (kill [-s SIG|-SIG] %n|pid; kill -l)', run: kill },
};
