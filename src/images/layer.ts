// Turns a layer's tar archive into the LayerEntry list src/fs builds a
// read-only layer from. The archive is copied once into a SharedArrayBuffer
// (when the platform has one) so every container of the image, in any
// worker, can share the file bytes without copying them again.
import type { LayerEntry, NodeKind } from '../fs/types';
import { BadLayerError } from './errors';
import { readTar } from './tar';

/** Copies bytes into a SharedArrayBuffer when available (else an ArrayBuffer). */
export function toSharedBytes(bytes: Uint8Array): Uint8Array {
  const buffer = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes.length) : new ArrayBuffer(bytes.length);
  const shared = new Uint8Array(buffer);
  shared.set(bytes);
  return shared;
}

/**
 * Decodes a tar layer into LayerEntry values in archive order. Data views
 * point into `bytes` (pass the shared copy). Hard links become entries with
 * `linkTo` and the kind of the node they name.
 */
export function layerEntriesFromTar(bytes: Uint8Array, what = 'layer'): LayerEntry[] {
  const kinds = new Map<string, NodeKind>();
  const entries: LayerEntry[] = [];
  for (const tar of readTar(bytes)) {
    const path = `/${tar.name}`;
    const mtimeNs = BigInt(tar.mtime) * 1_000_000_000n;
    if (tar.type === 'hardlink') {
      const linkTo = `/${tar.linkName}`;
      const kind = kinds.get(linkTo);
      if (!kind) throw new BadLayerError(`${what}: hard link ${path} names ${linkTo}, which is not an earlier entry`);
      if (kind === 'directory') throw new BadLayerError(`${what}: hard link ${path} names directory ${linkTo}`);
      kinds.set(path, kind);
      entries.push({ path, kind, mode: tar.mode, mtimeNs, linkTo });
      continue;
    }
    const kind: NodeKind = tar.type;
    kinds.set(path, kind);
    if (kind === 'file') entries.push({ path, kind, mode: tar.mode, mtimeNs, data: tar.data! });
    else if (kind === 'symlink') entries.push({ path, kind, mode: tar.mode, mtimeNs, target: tar.linkName! });
    else entries.push({ path, kind, mode: tar.mode, mtimeNs });
  }
  return entries;
}
