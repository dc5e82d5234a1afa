// The container's file system from other workers: RemoteFs (client, blocks on
// Atomics.wait) ↔ FsRpcServer / FsRpcHub (container worker) over shared memory.
export { createFsRpcBuffer, createFsRpcDoorbell, FSRPC_CHUNK } from './FsRpcChannel';
export { FsRpcServer } from './FsRpcServer';
export { FsRpcHub, type FsRpcEndpoint } from './FsRpcHub';
export { RemoteFs, type RemoteFsOptions } from './RemoteFs';
