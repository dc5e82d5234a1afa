// Builds what the Node tests need before any test file runs: the images
// (C sources compiled to wasm32-wasip1) and the worker bundle for Node.
export default async function setup(): Promise<void> {
  const { buildAll } = await import('../scripts/build.mjs');
  await buildAll({ quiet: true });
}
