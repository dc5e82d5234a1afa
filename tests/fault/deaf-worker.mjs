// A container worker whose event loop never says it is alive (its heartbeat
// timer is switched off): to the supervisor it looks exactly like a worker
// that stopped answering. Used by tests/fault/fault.test.ts.
globalThis.setInterval = () => 0;
await import('../../build/workers/container.node-worker.mjs');
