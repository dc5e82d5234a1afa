// The Node half of the peer benchmarks, run by run.ts as a plain `node`
// process (bundled to build/bench/peers-node.mjs, so no tsx loader is
// inherited by worker threads): node peers-node.mjs OPTIONS_JSON OUT_FILE
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runNode } from './drive';
import { PROGRAMS_DIR, type Programs } from './programs';
import type { PeersOptions } from './results';

const [optionsJson, out] = process.argv.slice(2);
if (!optionsJson || !out) {
  console.error('usage: node build/bench/peers-node.mjs OPTIONS_JSON OUT_FILE (run by bench/peers/run.ts)');
  process.exit(2);
}
const programs = {} as Programs;
for (const name of ['hello', 'interactive', 'crash', 'iobench'] as const) programs[name] = new Uint8Array(await readFile(join(PROGRAMS_DIR, `${name}.wasm`)));
const result = await runNode(JSON.parse(optionsJson) as PeersOptions, programs);
await writeFile(out, JSON.stringify(result));
process.exit(0); // workers a peer left behind must not keep the process alive
