// --dir HOST::GUEST for the CLI: the host directory's files are copied into
// the container before it starts, and what the program changed there is
// written back to the host afterwards (new, changed and deleted entries).

import { lstat, mkdir, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TreeEntry } from '../api/types';

export interface HostSnapshot {
  readonly root: string;
  readonly entries: Map<string, TreeEntry>;
}

/** Reads a host directory recursively; paths are relative ('/a/b'). */
export async function snapshotHostDir(root: string): Promise<HostSnapshot> {
  const info = await lstat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`--dir ${root}: not a directory`);
  const entries = new Map<string, TreeEntry>();
  const walk = async (relative: string): Promise<void> => {
    for (const name of await readdir(join(root, relative))) {
      const path = `${relative}/${name}`;
      const stat = await lstat(join(root, path));
      if (stat.isDirectory()) {
        entries.set(path, { path, kind: 'directory' });
        await walk(path);
      } else if (stat.isSymbolicLink()) {
        entries.set(path, { path, kind: 'symlink', target: await readlink(join(root, path)) });
      } else if (stat.isFile()) {
        entries.set(path, { path, kind: 'file', data: new Uint8Array(await readFile(join(root, path))) });
      }
    }
  };
  await walk('');
  return { root, entries };
}

/** Applies the container's view of the directory to the host, touching only what differs. */
export async function writeBack(snapshot: HostSnapshot, after: readonly TreeEntry[]): Promise<void> {
  const next = new Map(after.map((entry) => [entry.path, entry]));
  // Deepest first, so a directory is emptied before it is removed.
  const removed = [...snapshot.entries.keys()].filter((path) => !next.has(path) || next.get(path)!.kind !== snapshot.entries.get(path)!.kind);
  for (const path of removed.sort((a, b) => b.length - a.length)) await rm(join(snapshot.root, path), { recursive: true, force: true });
  for (const entry of after) {
    const before = snapshot.entries.get(entry.path);
    const target = join(snapshot.root, entry.path);
    if (entry.kind === 'directory') {
      if (before?.kind !== 'directory') await mkdir(target, { recursive: true });
    } else if (entry.kind === 'symlink') {
      if (before?.kind !== 'symlink' || before.target !== entry.target) {
        await rm(target, { force: true });
        await symlink(entry.target!, target);
      }
    } else if (before?.kind !== 'file' || !sameBytes(before.data!, entry.data!)) {
      await writeFile(target, entry.data!);
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
