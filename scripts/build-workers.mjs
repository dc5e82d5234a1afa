// Bundles the Node entries of the container and process workers: Node's worker_threads
// cannot load TypeScript, so tests, the CLI and benchmarks use this bundle.
// (In the browser, Vite bundles workers/container.worker.ts itself.)
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildWorkers() {
  await build({
    entryPoints: [join(ROOT, 'workers/container.node-worker.ts'), join(ROOT, 'workers/process.node-worker.ts')],
    outdir: join(ROOT, 'build/workers'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // memfs's CommonJS core needs require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __flotillaRequire } from 'node:module'; const require = __flotillaRequire(import.meta.url);" },
  });
}
