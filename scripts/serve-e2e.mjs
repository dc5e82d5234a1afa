// The web server of the e2e tests: `vite build` + `vite preview` (what a
// deployment serves), or the dev server with E2E_SERVER=dev (no build step,
// quicker while iterating). Usage: node scripts/serve-e2e.mjs PORT
import { build, createServer, preview } from 'vite';

const port = Number(process.argv[2] ?? process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node scripts/serve-e2e.mjs PORT');
  process.exit(2);
}
const mode = process.env.E2E_SERVER === 'dev' ? 'dev' : 'preview';
const server = { port, strictPort: true, host: '127.0.0.1' };

let running;
if (mode === 'dev') {
  running = await createServer({ server, logLevel: 'warn', clearScreen: false });
  await running.listen();
} else {
  const started = Date.now();
  await build({ logLevel: 'warn', clearScreen: false });
  console.log(`serve-e2e: built in ${Date.now() - started} ms`);
  running = await preview({ preview: server, logLevel: 'warn', clearScreen: false });
}
console.log(`serve-e2e: ${mode} server on http://127.0.0.1:${port}/`);

const close = async () => {
  await running.close?.();
  process.exit(0);
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
