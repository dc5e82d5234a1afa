// The worker's answers to file requests from the supervisor (FileMailbox):
// chunked reads and writes, directory listings and tree listings over the
// container's file system.

import type { ContainerFs } from '../fs/ContainerFs';
import type { FsDirectory } from '../fs/types';
import { MAILBOX_CHUNK, type MailboxHandler, type TreeListing } from './FileMailbox';

export function fileService(fs: ContainerFs): MailboxHandler {
  // A listing is encoded when its first chunk is asked for and kept for the chunks after it.
  let listing: { readonly key: string; readonly bytes: Uint8Array } | undefined;
  const chunkOf = (key: string, offset: number, encode: () => unknown) => {
    if (offset === 0 || listing?.key !== key) listing = { key, bytes: new TextEncoder().encode(JSON.stringify(encode())) };
    const bytes = listing.bytes;
    if (offset + MAILBOX_CHUNK >= bytes.length) listing = undefined; // the last chunk: nothing more to keep
    return { response: { ok: true as const, size: bytes.length }, data: bytes.subarray(offset, offset + MAILBOX_CHUNK) };
  };
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
        return chunkOf(`list:${request.path}`, request.offset, () => fs.list(request.path));
      case 'tree':
        return chunkOf(`tree:${request.path}`, request.offset, () => {
          const root = fs.lookupPath(request.path);
          if (root?.kind !== 'directory') throw new Error('not a directory');
          return listTree(root);
        });
    }
  };
}

/** Depth first, parents before children; iterative, so a deeply nested tree cannot overflow the stack. */
function listTree(root: FsDirectory): TreeListing[] {
  const entries: TreeListing[] = [];
  const pending: Array<{ dir: FsDirectory; prefix: string }> = [{ dir: root, prefix: '' }];
  while (pending.length > 0) {
    const { dir, prefix } = pending.pop()!;
    const subdirectories: Array<{ dir: FsDirectory; prefix: string }> = [];
    for (const [name, node] of dir.entries()) {
      const path = `${prefix}/${name}`;
      if (node.kind === 'directory') {
        entries.push({ path, kind: 'directory' });
        subdirectories.push({ dir: node, prefix: path });
      } else if (node.kind === 'symlink') {
        entries.push({ path, kind: 'symlink', target: node.target });
      } else {
        entries.push({ path, kind: 'file', size: node.size() });
      }
    }
    pending.push(...subdirectories.reverse());
  }
  return entries;
}
