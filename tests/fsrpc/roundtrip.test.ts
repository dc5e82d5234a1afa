// Round-trip cost of RemoteFs operations, per way of serving. Printed, not
// asserted: timing depends on the machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsFile } from '../../src/fs/types';
import { ServerWorker } from './harness';
import type { ServeMode } from './server-worker';

let server: ServerWorker;
beforeAll(async () => {
  server = await ServerWorker.start();
});
afterAll(async () => {
  await server?.close();
});

function time(label: string, n: number, fn: () => void): number {
  for (let i = 0; i < Math.min(50, n); i++) fn(); // warm up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`fsRpc ${label}: ${us.toFixed(1)} µs/op`);
  return us;
}

describe('RemoteFs round trip (printed)', () => {
  for (const mode of ['hub', 'forever'] as ServeMode[]) {
    it(`${mode}`, async () => {
      const { fs } = await server.open({ mode, files: { '/f': 'x'.repeat(1 << 20) } });
      const f = fs.root.lookup('f') as FsFile;
      const small = new Uint8Array(4096);
      const big = new Uint8Array(1 << 20);
      expect(time(`${mode} size()`, 2000, () => f.size())).toBeGreaterThan(0);
      time(`${mode} stat()`, 2000, () => f.stat());
      time(`${mode} lookup()`, 2000, () => fs.root.lookup('f'));
      time(`${mode} read 4 KiB`, 2000, () => f.read(small, 0));
      time(`${mode} read 1 MiB`, 50, () => f.read(big, 0));
      time(`${mode} write 4 KiB`, 2000, () => f.write(small, 0));
    });
  }
});
