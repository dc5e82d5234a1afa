import { expect, test } from './fixtures';

test('the page is cross-origin isolated and exposes window.flotilla', async ({ playground: { page } }) => {
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  await expect(page.locator('#status-isolation')).toHaveText('yes');
  await expect(page.locator('#status-runtime')).toHaveText('ready');

  const api = await page.evaluate(() => {
    const rt = window.flotilla;
    if (!rt) return null;
    return ['images', 'create', 'run', 'get', 'list', 'onEvent', 'dispose'].filter(
      (name) => typeof (rt as unknown as Record<string, unknown>)[name] !== 'function',
    );
  });
  expect(api, 'window.flotilla with every FlotillaRuntime method').toEqual([]);

  const names = await page.evaluate(async () => (await window.flotilla!.images()).map((image) => image.name));
  expect(names).toEqual(expect.arrayContaining(['hello', 'fileio', 'interactive', 'crash']));
  // The picker offers exactly the runtime's images.
  const options = await page.getByLabel('Image').locator('option').allTextContents();
  expect(options.sort()).toEqual([...names].sort());
});

test('the images are served with the isolation headers', async ({ request }) => {
  const index = await request.get('images/index.json');
  expect(index.status()).toBe(200);
  expect(index.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(index.headers()['cross-origin-opener-policy']).toBe('same-origin');
  // cross-origin: host pages on other sites (h1.localhost, …) are embedded by the fleet page.
  expect(index.headers()['cross-origin-resource-policy']).toBe('cross-origin');
  const page = await request.get('./');
  expect(page.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(page.headers()['cross-origin-opener-policy']).toBe('same-origin');
  const host = await request.get('host.html');
  expect(host.status()).toBe(200);
  expect(host.headers()['cross-origin-embedder-policy']).toBe('require-corp');
});
