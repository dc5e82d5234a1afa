import { expect, test } from './fixtures';

test('a page served by httpd: rt.fetch from the page, and a preview URL in an iframe', async ({ playground: { page } }) => {
  const fetched = await page.evaluate(async () => {
    const rt = window.flotilla!;
    rt.networks.create('e2e-web');
    const web = await rt.run('httpd', { name: 'e2e-web-1', networks: [{ network: 'e2e-web', aliases: ['www'] }] });
    // httpd logs once it listens.
    for (let i = 0; i < 200 && !web.output().includes('listening'); i++) await new Promise((r) => setTimeout(r, 25));
    await web.writeFile('/var/www/hello.html', '<!doctype html><title>hi</title><h1 id="greeting">Served from a container</h1>');
    const health = await rt.fetch('e2e-web-1', 80, '/healthz');
    const page = await rt.fetch('e2e-web-1', 80, '/hello.html');
    const missing = await rt.fetch('e2e-web-1', 80, '/nope');
    return {
      health: [health.status, await health.text()],
      page: [page.status, page.headers.get('content-type'), await page.text()],
      missing: missing.status,
      hostname: web.id.slice(0, 12),
    };
  });
  expect(fetched.health).toEqual([200, 'ok\n']);
  expect(fetched.page[0]).toBe(200);
  expect(fetched.page[1]).toContain('text/html');
  expect(fetched.page[2]).toContain('Served from a container');
  expect(fetched.missing).toBe(404);

  // The containers panel links the image's exposed port to its preview URL.
  const link = page.locator('#containers-body tr[data-name="e2e-web-1"] a.preview');
  await expect(link).toHaveText(':80');
  await expect(link).toHaveAttribute('href', '/preview/e2e-web-1/80/');

  // The preview service worker serves /preview/<container>/<port>/ from the same container.
  await page.evaluate(() => window.flotillaPreviews);
  await page.evaluate((url) => {
    const frame = document.createElement('iframe');
    frame.id = 'preview';
    frame.src = url;
    document.body.append(frame);
  }, '/preview/e2e-web-1/80/hello.html');
  const frame = page.frameLocator('#preview');
  await expect(frame.locator('#greeting')).toHaveText('Served from a container');
  // The default page names the container that served it.
  await page.evaluate(() => { (document.getElementById('preview') as HTMLIFrameElement).src = '/preview/e2e-web-1/80/'; });
  await expect(frame.locator('h1')).toContainText(`Hello from ${fetched.hostname}`);
  // A container that does not exist gets a clear error page, not a hang.
  await page.evaluate(() => { (document.getElementById('preview') as HTMLIFrameElement).src = '/preview/nobody/80/'; });
  await expect(frame.locator('h1')).toContainText('Cannot reach nobody:80');
});
