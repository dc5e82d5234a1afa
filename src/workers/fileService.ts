// The worker's answers to file requests from the supervisor (FileMailbox):
// chunked reads and writes, directory listings and tree listings over the
// container's file system.

import type { ContainerFs } from '../fs/ContainerFs';
import type { FsDirectory } from '../fs/types';
import { MAILBOX_CHUNK, type MailboxHandler, type TreeListing } from './FileMailbox';

export function fileService(fs: ContainerFs): MailboxHandler {
  return (request, data) => {
    switch (request.op) {
      case 'read': {
        const node = fs.lookupPath(request.path);
        if (!node) throw new Error('no such file or directory');
        if (node.kind !== 'file') throw new Error(node.kind === 'directory' ? 'is a directory' : 'not a regular file');
        const chunk = new Uint8Array(Math.max(0, Math.min(MAILBOX_CHUNK, node.size() - request.offset)));
        const count = node.read(chunk, request.offset);
        return { response: { ok: true, size: node.size() }, data: chunk.subarray(0, count) };
      }
      case 'write': {
        if (request.offset === 0) {
          fs.writeFile(request.path, data);
        } else {
          const node = fs.lookupPath(request.path);
          if (node?.kind !== 'file') throw new Error('the file vanished while it was written');
          node.write(data, request.offset);
        }
        return { response: { ok: true } };
      }
      case 'list':
        return { response: { ok: true, names: fs.list(request.path) } };
      case 'tree': {
        const root = fs.lookupPath(request.path);
        if (root?.kind !== 'directory') throw new Error('not a directory');
        return { response: { ok: true, entries: listTree(root) } };
      }
    }
  };
}

function listTree(root: FsDirectory): TreeListing[] {
  const entries: TreeListing[] = [];
  const walk = (dir: FsDirectory, prefix: string): void => {
    for (const [name, node] of dir.entries()) {
      const path = `${prefix}/${name}`;
      if (node.kind === 'directory') {
        entries.push({ path, kind: 'directory' });
        walk(node, path);
      } else if (node.kind === 'symlink') {
        entries.push({ path, kind: 'symlink', target: node.target });
      } else {
        entries.push({ path, kind: 'file', size: node.size() });
      }
    }
  };
  walk(root, '');
  return entries;
}
