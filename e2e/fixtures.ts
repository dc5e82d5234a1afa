// Shared test setup: a page with the playground booted, and helpers to drive
// its panels. Page errors and console errors fail the test that caused them.
import { expect, test as base, type Locator, type Page } from '@playwright/test';

export { expect };

export interface Playground {
  page: Page;
  /** Picks an image, types the arguments line, clicks Run. */
  run(image: string, args?: string, options?: { openStdin?: boolean }): Promise<void>;
  output: Locator;
  exitStatus: Locator;
  stdin: Locator;
  /** Waits for the current run to end and returns its exit code. */
  exitCode(): Promise<number>;
}

/** Waits for `document.body.dataset.ready`, failing fast with the boot error. */
export async function waitForRuntime(page: Page, timeout = 45_000): Promise<void> {
  const state = await page.waitForFunction(
    () => {
      const ready = document.body.dataset.ready;
      return ready === 'true' || ready === 'error' ? { ready, error: document.body.dataset.error ?? '' } : null;
    },
    undefined,
    { timeout },
  );
  const { ready, error } = (await state.jsonValue()) as { ready: string; error: string };
  if (ready !== 'true') throw new Error(`the runtime failed to boot: ${error}`);
}

export const test = base.extend<{ playground: Playground; pageErrors: string[] }>({
  pageErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
    // A reload mid-test (e.g. the dev server re-optimizing deps) loses the runtime.
    let loads = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && ++loads > 1) errors.push(`the page navigated again, to ${frame.url()}`);
    });
    // Console errors are kept for the report but do not fail a test: a
    // trapping program may legitimately make the runtime log one.
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await use(errors);
    if (consoleErrors.length > 0) {
      await base.info().attach('console errors', { body: consoleErrors.join('\n'), contentType: 'text/plain' });
    }
  },
  playground: async ({ page, pageErrors }, use) => {
    await page.goto('/');
    await waitForRuntime(page);
    const output = page.locator('#output');
    const exitStatus = page.locator('#exit-status');
    const playground: Playground = {
      page,
      output,
      exitStatus,
      stdin: page.getByLabel('Stdin', { exact: true }),
      async run(image, args = '', options = {}) {
        await expect(page.locator(`#image option[value="${image}"]`), `image ${image} in the picker`).toHaveCount(1, { timeout: 1000 });
        await page.getByLabel('Image').selectOption(image);
        await page.getByLabel('Arguments').fill(args);
        await page.getByLabel('Keep stdin open (-i)').setChecked(options.openStdin ?? true);
        await page.getByRole('button', { name: 'Run', exact: true }).click();
      },
      async exitCode() {
        await expect(exitStatus).toHaveAttribute('data-exit-code', /^\d+$/);
        return Number(await exitStatus.getAttribute('data-exit-code'));
      },
    };
    await use(playground);
    expect(pageErrors, 'errors in the page').toEqual([]);
  },
});
