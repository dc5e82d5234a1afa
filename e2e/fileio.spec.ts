import { expect, test } from './fixtures';

const COUNT = 20;

test(`${COUNT} fileio containers at once, each with its own filesystem`, async ({ playground: { page } }) => {
  test.setTimeout(120_000);
  const result = await page.evaluate(async (count) => {
    const rt = window.flotilla!;
    const path = '/shared.txt';
    const text = (i: number) => `written by container ${i}`;
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes.slice()); // never a shared view

    // 1. Every container writes its own text to the same path, all at once.
    const writers = await Promise.all(
      Array.from({ length: count }, (_, i) => rt.run('fileio', { name: `writer-${i}`, args: ['write', path, text(i)] })),
    );
    const writeStatus = await Promise.all(writers.map((c) => c.wait()));
    // ... and each still holds only its own (docker cp from an exited container).
    const readBack = await Promise.all(writers.map(async (c) => decode(await c.readFile(path)).trim()));

    // 2. Each reader gets its own file placed with writeFile, then cats it, all at once.
    const readers = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const c = await rt.create('fileio', { name: `reader-${i}`, args: ['cat', path] });
        await c.writeFile(path, `${text(i)}\n`);
        return c;
      }),
    );
    await Promise.all(readers.map((c) => c.start()));
    const readStatus = await Promise.all(readers.map((c) => c.wait()));

    // 3. A fresh container sees none of it: the image itself was not changed.
    const fresh = await rt.run('fileio', { args: ['ls', '/'] });
    const freshStatus = await fresh.wait();

    return {
      writeCodes: writeStatus.map((s) => s.exitCode),
      readBack,
      readCodes: readStatus.map((s) => s.exitCode),
      catOutput: readers.map((c) => c.output({ stdout: true, stderr: false }).trim()),
      distinctIds: new Set([...writers, ...readers].map((c) => c.id)).size,
      fresh: { exitCode: freshStatus.exitCode, listing: fresh.output({ stdout: true, stderr: false }) },
    };
  }, COUNT);

  const expected = Array.from({ length: COUNT }, (_, i) => `written by container ${i}`);
  expect(result.writeCodes).toEqual(Array(COUNT).fill(0));
  expect(result.readBack).toEqual(expected);
  expect(result.readCodes).toEqual(Array(COUNT).fill(0));
  expect(result.catOutput).toEqual(expected);
  expect(result.distinctIds).toBe(2 * COUNT);
  expect(result.fresh.exitCode).toBe(0);
  expect(result.fresh.listing).not.toContain('shared.txt');

  await expect(page.locator('#containers-body tr')).toHaveCount(2 * COUNT + 1);
  await expect(page.locator('#containers-body tr:not([data-state="exited"])')).toHaveCount(0);
});
