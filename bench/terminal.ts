// Learner-terminal measurements in Chromium, through the playground's test
// hooks (src/ui/playground.ts, src/ui/terminal-panel.ts): page load to an
// interactive prompt, and keystroke to echo in xterm's buffer.

import type { Browser } from 'playwright-core';

export interface TerminalBenchResult {
  /** navigation start → first prompt shown, ms, one per page load (sorted). */
  readonly promptMs: number[];
  /** key press → echo parsed into xterm's buffer, ms, one per key (sorted). */
  readonly echoMs: number[];
}

type Hooks = {
  flotillaTiming?: { promptShownAt?: number };
  flotillaTerminals?: Array<{ echoes(): Array<{ keyAt: number; parsedAt: number }> }>;
};

export async function benchTerminal(browser: Browser, url: string, loads = 5, keys = 100): Promise<TerminalBenchResult> {
  const promptMs: number[] = [];
  let echoMs: number[] = [];
  for (let i = 0; i < loads; i++) {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as Hooks).flotillaTiming?.promptShownAt !== undefined, undefined, { timeout: 60_000 });
    promptMs.push(await page.evaluate(() => (globalThis as Hooks).flotillaTiming!.promptShownAt!));
    if (i === loads - 1) {
      await page.locator('.xterm').first().click();
      await page.keyboard.type('x'.repeat(keys), { delay: 15 });
      await page.waitForTimeout(200);
      echoMs = await page.evaluate(() => (globalThis as Hooks).flotillaTerminals![0]!.echoes()
        .filter((echo) => Number.isFinite(echo.keyAt) && Number.isFinite(echo.parsedAt))
        .map((echo) => echo.parsedAt - echo.keyAt));
    }
    await page.close();
  }
  return { promptMs: promptMs.sort((a, b) => a - b), echoMs: echoMs.sort((a, b) => a - b) };
}
