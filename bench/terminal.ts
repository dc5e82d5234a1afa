// Learner-terminal measurements in Chromium, through the playground's test
// hooks (src/ui/playground.ts, src/ui/terminal-panel.ts): page load to an
// interactive prompt, and keystroke to echo in xterm's buffer.

import type { Browser } from 'playwright-core';

export interface TerminalBenchResult {
  /** navigation start → first prompt shown, ms, one per page load (sorted). */
  readonly promptMs: number[];
  /** key press → echo written to xterm by the line discipline (synchronous, in the key's event), ms (sorted). */
  readonly echoMs: number[];
  /** key press → echo parsed into xterm's buffer (xterm parses writes on its own schedule), ms (sorted). */
  readonly parsedMs: number[];
}

type Hooks = {
  flotillaTiming?: { promptShownAt?: number };
  flotillaTerminals?: Array<{ echoes(): Array<{ keyAt: number; echoedAt: number; parsedAt: number }> }>;
};

export async function benchTerminal(browser: Browser, url: string, loads = 5, keys = 100): Promise<TerminalBenchResult> {
  const promptMs: number[] = [];
  let echoes: Array<{ keyAt: number; echoedAt: number; parsedAt: number }> = [];
  for (let i = 0; i < loads; i++) {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as Hooks).flotillaTiming?.promptShownAt !== undefined, undefined, { timeout: 60_000 });
    promptMs.push(await page.evaluate(() => (globalThis as Hooks).flotillaTiming!.promptShownAt!));
    if (i === loads - 1) {
      await page.locator('.xterm').first().click();
      await page.keyboard.type('x'.repeat(keys), { delay: 15 });
      await page.waitForTimeout(200);
      echoes = await page.evaluate(() => (globalThis as Hooks).flotillaTerminals![0]!.echoes()
        .filter((echo) => Number.isFinite(echo.keyAt) && Number.isFinite(echo.parsedAt)));
    }
    await page.close();
  }
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  return {
    promptMs: sorted(promptMs),
    echoMs: sorted(echoes.map((echo) => echo.echoedAt - echo.keyAt)),
    parsedMs: sorted(echoes.map((echo) => echo.parsedAt - echo.keyAt)),
  };
}
