// The WASI conformance programs (tests/wasi/c) run by WasiProcess over
// RemoteFs: the preopened root is a proxy whose ContainerFs is served from
// another worker thread, as in a process worker. Each must behave exactly
// as over the local ContainerFs: the expectations and the runner are the
// ones of tests/wasi/conformance.test.ts (tests/wasi/conformance.ts).
import { afterAll, beforeAll } from 'vitest';
import { describeConformance } from '../wasi/conformance';
import { ServerWorker } from './harness';

let server: ServerWorker;
beforeAll(async () => {
  server = await ServerWorker.start();
});
afterAll(async () => {
  await server?.close();
});

describeConformance('WASI conformance over RemoteFs (server in another thread)', async () => {
  // A fresh, empty ContainerFs in the server worker per program, like the local runner.
  const { name, fs } = await server.open({ mode: 'hub' });
  return { root: fs.root, close: () => server.ask({ type: 'close', name }) };
});
