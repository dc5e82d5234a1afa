import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const imagesDir = join(root, 'build', 'images');
const imagesWatch = join(root, 'images');

// SharedArrayBuffer and Atomics.wait need a cross-origin isolated page.
// Resources are `cross-origin`: a host page (host.html) on another site,
// embedded by the playground or the fleet page, must be allowed in.
const isolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

// Hosts in development are other sites of this server: h1.localhost, h2.localhost, …
const allowedHosts = ['localhost', '.localhost', '127.0.0.1'];

/** Every top-level *.html is a page: index.html now, fleet.html and others later. */
function pages(): Record<string, string> {
  const input: Record<string, string> = {};
  for (const file of readdirSync(root)) {
    if (file.endsWith('.html')) input[file.slice(0, -'.html'.length)] = join(root, file);
  }
  return input;
}

type BuildAll = (options?: { quiet?: boolean }) => Promise<void>;

/** scripts/build.mjs builds the images (and the Node worker bundle) incrementally. */
async function buildAll(quiet: boolean): Promise<void> {
  const script = new URL('./scripts/build.mjs', import.meta.url).href;
  const { buildAll: run } = (await import(script)) as { buildAll: BuildAll };
  await run({ quiet });
}

function setIsolationHeaders(): Connect.NextHandleFunction {
  return (_req, res, next) => {
    for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
    next();
  };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Serves build/images at /images/ in dev. */
function serveImages(base: string): Connect.NextHandleFunction {
  const prefix = `${base}images/`;
  return (req, res, next) => {
    const url = req.url?.split('?')[0] ?? '';
    if (!url.startsWith(prefix) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const path = resolve(imagesDir, decodeURIComponent(url.slice(prefix.length)));
    if (!path.startsWith(imagesDir + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    const json = path.endsWith('.json');
    res.setHeader('Content-Type', json ? 'application/json' : 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(path).size));
    // Blobs are content-addressed; the index changes with every image build.
    res.setHeader('Cache-Control', json ? 'no-cache' : 'public, max-age=31536000, immutable');
    if (req.method === 'HEAD') return void res.end();
    createReadStream(path).pipe(res);
  };
}

/**
 * Images: built by scripts/build.mjs when the dev server starts (and rebuilt
 * when images/ changes), served from build/images at /images/ in dev, and
 * copied to dist/images/ by `vite build`.
 */
function flotillaImages(): Plugin {
  let base = '/';
  let isBuild = false;
  return {
    name: 'flotilla-images',
    configResolved(config) {
      base = config.base.endsWith('/') ? config.base : `${config.base}/`;
      isBuild = config.command === 'build';
    },
    async configureServer(server) {
      server.middlewares.use(setIsolationHeaders());
      try {
        await buildAll(false);
      } catch (error) {
        server.config.logger.error(`flotilla: building images failed: ${(error as Error).stack ?? error}`);
      }
      server.middlewares.use(serveImages(base));
      // Rebuild the images when their sources change, then reload the page.
      let timer: ReturnType<typeof setTimeout> | undefined;
      let building = Promise.resolve();
      server.watcher.add(imagesWatch);
      server.watcher.on('all', (_event, file) => {
        if (!file.startsWith(imagesWatch + sep) || file.endsWith('.test.ts')) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          building = building
            .then(() => buildAll(true))
            .then(
              () => server.ws.send({ type: 'full-reload' }),
              (error) => server.config.logger.error(`flotilla: rebuilding images failed: ${(error as Error).message}`),
            );
        }, 200);
      });
    },
    configurePreviewServer(server) {
      server.middlewares.use(setIsolationHeaders());
    },
    async buildStart() {
      if (isBuild) await buildAll(true);
    },
    generateBundle() {
      if (!isBuild) return;
      const files = listFiles(imagesDir);
      if (files.length === 0) this.warn('build/images is empty: the playground will have no images');
      for (const file of files) {
        this.emitFile({
          type: 'asset',
          fileName: `images/${relative(imagesDir, file).split(sep).join('/')}`,
          source: readFileSync(file),
        });
      }
    },
  };
}

export default defineConfig({
  plugins: [flotillaImages()],
  server: { headers: isolationHeaders, allowedHosts },
  preview: { headers: isolationHeaders, allowedHosts },
  worker: { format: 'es' },
  // Crawl the container worker too: a dependency first met when a worker
  // starts would make the dev server re-optimize and reload the page.
  optimizeDeps: { entries: ['*.html', 'workers/*.worker.ts'] },
  build: {
    target: 'es2022',
    rolldownOptions: { input: pages() },
  },
});
