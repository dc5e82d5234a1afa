// The container's file system from other workers: RemoteFs (client, blocks on
// Atomics.wait) ↔ FsRpcServer / FsRpcHub (container worker) over shared memory.
//
// Wiring, one channel per process:
//   container worker:  const hub = new FsRpcHub(); void hub.serveForever();
//                      const endpoint = hub.open(fs.root);   // post it to the process worker
//                      ... hub.remove(endpoint.buffer) when the process exits
//   process worker:    const remote = new RemoteFs(endpoint.buffer, { doorbell: endpoint.doorbell, checkInterrupt });
//                      new WasiProcess({ preopens: [{ guestPath: '/', dir: remote.root }], ... })
// A container worker whose thread is busy (running a program itself) must
// call hub.servePending() at its syscalls and waits, as it does for the
// FileMailbox: serveForever only runs when its event loop is free.
export { createFsRpcBuffer, createFsRpcDoorbell, FSRPC_CHUNK } from './FsRpcChannel';
export { FsRpcServer } from './FsRpcServer';
export { FsRpcHub, type FsRpcEndpoint } from './FsRpcHub';
export { RemoteFs, type RemoteFsOptions } from './RemoteFs';
