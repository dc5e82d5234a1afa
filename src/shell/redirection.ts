// Redirections (XCU 2.7): builds the descriptor table a command runs with.
// Every stream opened here is returned in `opened` and must be closed by the
// caller when the command is done; dups (2>&1) share the stream object and
// are not opened again.

import type { Redirect } from './ast';
import { ShellError } from './errors';
import { ShellHostError, type ShellHost, type ShellStream } from './host';
import { encode, Io } from './io';
import type { Expander } from './expansion';
import { resolvePath } from './paths';

export interface Redirected {
  io: Io;
  opened: ShellStream[];
}

export function closeAll(streams: ShellStream[]): void {
  for (const s of streams.splice(0)) s.close();
}

export async function applyRedirects(
  redirects: readonly Redirect[], base: Io, host: ShellHost, expander: Expander, cwd: string,
): Promise<Redirected> {
  const io = base.derive();
  const opened: ShellStream[] = [];
  try {
    for (const r of redirects) {
      if (r.type === 'heredoc') {
        const text = r.doc.quoted ? r.doc.body.raw : await expander.string(r.doc.body, false);
        const { reader, writer } = host.pipe();
        opened.push(reader);
        // The body is fed concurrently: a pipe is bounded and the command reads while we write.
        void writer.write(encode(text)).catch(() => {}).finally(() => writer.close());
        io.fds.set(r.fd ?? 0, reader);
        continue;
      }
      const target = await expander.string(r.target);
      const fd = r.fd ?? (r.op === '<' || r.op === '<>' || r.op === '<&' ? 0 : 1);
      if (r.op === '<&' || r.op === '>&') {
        if (target === '-') {
          io.fds.delete(fd);
          continue;
        }
        if (/^[0-9]+$/.test(target)) {
          const s = io.get(Number(target));
          if (!s) throw new ShellError(`${target}: Bad file descriptor`);
          io.fds.set(fd, s);
          continue;
        }
        if (r.op === '<&') throw new ShellError(`${target}: ambiguous redirect`);
      }
      if (target === '') throw new ShellError(`: No such file or directory`);
      const path = resolvePath(cwd, target);
      const mode = r.op === '<' ? '<' : r.op === '<>' ? '<>' : r.op === '>>' || r.op === '&>>' ? '>>' : '>';
      let stream: ShellStream;
      try {
        stream = host.open(path, mode);
      } catch (e) {
        if (e instanceof ShellHostError) throw new ShellError(`${target}: ${e.message}`);
        throw e;
      }
      opened.push(stream);
      if (r.op === '&>' || r.op === '&>>' || (r.op === '>&' && r.fd === undefined)) {
        io.fds.set(1, stream);
        io.fds.set(2, stream);
      } else {
        io.fds.set(fd, stream);
      }
    }
  } catch (e) {
    closeAll(opened);
    throw e;
  }
  return { io, opened };
}
