// Import/export in memfs's DirectoryJSON format ({ '/abs/path': contents,
// '/empty/dir': null }), the format of memfs's Volume.fromJSON/toJSON.
//
// Lets the supervisor and tests move trees between a ContainerFs and memfs
// (Node tools, fixtures). Only the *format* is shared: memfs itself cannot
// be bundled for a browser worker (see ByteStore.ts), so nothing here
// imports it at run time. Symlinks are not represented (the format has no
// way to say "symlink"); file contents are exported as UTF-8 text, like
// memfs's toJSON.

import type { ContainerFs } from './ContainerFs';
import type { FsDirectory } from './types';

/** Contents by absolute path: text or bytes for files, null for an (empty) directory. */
export type DirectoryJson = Record<string, string | Uint8Array | null>;

/** Creates the files and directories of `json` (relative keys are taken from `cwd`). */
export function importDirectoryJson(fs: ContainerFs, json: DirectoryJson, cwd = '/'): void {
  for (const [key, contents] of Object.entries(json)) {
    const path = key.startsWith('/') ? key : `${cwd.replace(/\/+$/, '')}/${key}`;
    if (contents === null) fs.mkdirp(path);
    else fs.writeFile(path, contents);
  }
}

/** The tree under `path` as memfs's toJSON would list it: files (text) and empty directories. */
export function exportDirectoryJson(fs: ContainerFs, path = '/'): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const decoder = new TextDecoder();
  const start = fs.lookupPath(path);
  if (start?.kind !== 'directory') return out;
  const walk = (dir: FsDirectory, prefix: string): void => {
    const entries = dir.entries();
    if (entries.length === 0 && prefix !== '') out[prefix] = null;
    for (const [name, node] of entries) {
      const child = `${prefix}/${name}`;
      if (node.kind === 'directory') walk(node, child);
      else if (node.kind === 'file') {
        const bytes = new Uint8Array(node.size());
        node.read(bytes, 0);
        out[child] = decoder.decode(bytes);
      }
    }
  };
  walk(start, path === '/' ? '' : path.replace(/\/+$/, ''));
  return out;
}
