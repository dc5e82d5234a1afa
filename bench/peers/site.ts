// The bench page's build and server. `vite build` of bench/peers/page.html
// (Flotilla's runtime and its container worker, the shim's worker, the wasmer
// host worker) into build/bench/site, then a small static server with the
// cross-origin isolation headers that SharedArrayBuffer needs:
//   /images/..., /bench/peers/images/...   build/images (Flotilla's images, as in the playground)
//   /programs/NAME.wasm       build/bench/programs (the peers' binaries)
//   /vendor/wasmer-sdk/...    node_modules/@wasmer/sdk, unbundled
//   everything else           build/bench/site

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { ROOT } from './programs';

const SITE = join(ROOT, 'build/bench/site');

const ROUTES: [prefix: string, dir: string][] = [
  ['/images/', join(ROOT, 'build/images')],
  ['/bench/peers/images/', join(ROOT, 'build/images')], // the runtime's default: images/ beside the page
  ['/programs/', join(ROOT, 'build/bench/programs')],
  ['/vendor/wasmer-sdk/', join(ROOT, 'node_modules/@wasmer/sdk')],
  ['/', SITE],
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

/** `minify: false` keeps function names readable in profiles (bench/peers/profile.ts). */
export async function buildSite(options: { minify?: boolean } = {}): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'error', // not the warnings about src/api's Node-only modules, never loaded in the page
    clearScreen: false,
    worker: { format: 'es' },
    build: {
      outDir: SITE,
      emptyOutDir: true,
      target: 'es2022',
      minify: options.minify ?? true,
      rolldownOptions: { input: { peers: join(ROOT, 'bench/peers/page.html') } },
    },
  });
}

/** The page's URL is `${url}bench/peers/page.html`. */
export async function serveSite(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]!);
    const [prefix, dir] = ROUTES.find(([candidate]) => path.startsWith(candidate))!;
    const file = normalize(join(dir, path.slice(prefix.length)));
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    response.setHeader('Cache-Control', 'no-cache');
    try {
      if (!file.startsWith(dir + sep) || !(await stat(file)).isFile()) throw new Error('not a file');
    } catch {
      response.statusCode = 404;
      response.end('not found');
      return;
    }
    response.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
