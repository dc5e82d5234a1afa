// Helpers shared by the src/fs unit tests (not part of the runtime API).
import { expect } from 'vitest';
import { FsError, type FsErrorCode, type FsFile, type LayerEntry } from './types';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A clock that ticks 1000 ns per reading, so time changes are observable and exact. */
export function fakeClock(start = 1_000_000n): () => bigint {
  let t = start;
  return () => (t += 1000n);
}

export function expectCode(fn: () => unknown, code: FsErrorCode): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FsError);
    expect((error as FsError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing thrown`);
}

export function readAll(file: FsFile): string {
  const buf = new Uint8Array(file.size());
  expect(file.read(buf, 0)).toBe(buf.length);
  return dec(buf);
}

/** Layer entries whose file data are views into one SharedArrayBuffer, like src/images makes. */
export function sharedEntries(files: Record<string, string>, extra: LayerEntry[] = []): {
  entries: LayerEntry[];
  buffer: SharedArrayBuffer;
} {
  const blobs = Object.values(files).map(enc);
  const buffer = new SharedArrayBuffer(blobs.reduce((n, b) => n + b.length, 0));
  const entries: LayerEntry[] = [];
  let offset = 0;
  Object.keys(files).forEach((path, i) => {
    const data = new Uint8Array(buffer, offset, blobs[i].length);
    data.set(blobs[i]);
    offset += blobs[i].length;
    entries.push({ path, kind: 'file', mode: 0o644, mtimeNs: 1_000_000_000n, data });
  });
  return { entries: [...extra, ...entries], buffer };
}
