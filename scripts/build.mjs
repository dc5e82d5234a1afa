// One entry point for everything tests, the CLI and the playground need
// built: images (images/*/ -> build/images) and the Node worker bundle.
// Each step is incremental, so running it again is cheap.
export async function buildAll({ quiet = false } = {}) {
  const steps = [];
  try {
    const images = await import('./build-images.mjs');
    steps.push(['images', images.buildImages]);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
  try {
    const workers = await import('./build-workers.mjs');
    steps.push(['workers', workers.buildWorkers]);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
  for (const [name, step] of steps) {
    const started = Date.now();
    await step({ quiet });
    if (!quiet) console.log(`built ${name} in ${Date.now() - started} ms`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildAll();
}
