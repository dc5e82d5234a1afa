// Driving the playground's terminal like a person: click it, type with the
// keyboard, read xterm.js's buffer through window.flotillaTerminals.
import { expect, test as base, type Page } from '@playwright/test';
import { waitForRuntime } from '../fixtures';

export { expect };

/** The shell's prompt at the start of a row: `user@host:dir# ` or `$ `. */
export const PROMPT = /^(?:[\w.-]+@[\w.-]+:[^\n]*?)?[#$](?: |$)/;

export interface Term {
  readonly page: Page;
  /** Index in window.flotillaTerminals. */
  readonly index: number;
  /** The buffer, wrapped rows joined. */
  text(): Promise<string>;
  lines(): Promise<string[]>;
  /** Rows of the buffer that start with a prompt. */
  promptCount(): Promise<number>;
  /** Types `command`, presses Enter and waits for the next prompt; returns what the command printed. */
  run(command: string, options?: { timeout?: number }): Promise<string>;
  /** Waits until the buffer matches. */
  waitFor(pattern: RegExp | string, timeout?: number): Promise<void>;
  /** Waits for the next prompt after `count` prompts. */
  waitForPrompt(count: number, timeout?: number): Promise<void>;
  /** The last row of the buffer (the prompt and what is being typed). */
  lastLine(): Promise<string>;
  size(): Promise<{ columns: number; rows: number }>;
  focus(): Promise<void>;
}

export function term(page: Page, index = 0): Term {
  const text = () => page.evaluate((i) => window.flotillaTerminals?.[i]?.text() ?? '', index);
  const lines = () => page.evaluate((i) => window.flotillaTerminals?.[i]?.lines() ?? [], index);
  const promptCount = async () => (await text()).split('\n').filter((line) => PROMPT.test(line)).length;
  const t: Term = {
    page,
    index,
    text,
    lines,
    promptCount,
    async waitFor(pattern, timeout = 20_000) {
      await expect
        .poll(text, { timeout, message: `terminal ${index} shows ${String(pattern)}` })
        .toMatch(typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern);
    },
    async waitForPrompt(count, timeout = 20_000) {
      await expect.poll(promptCount, { timeout, message: `terminal ${index}: a prompt after ${count}` }).toBeGreaterThan(count);
      // …and the cursor is on it (nothing printed after the prompt).
      await expect.poll(async () => PROMPT.test((await lines()).at(-1) ?? ''), { timeout }).toBe(true);
    },
    async run(command, options = {}) {
      await t.focus();
      const before = await promptCount();
      const all = (await text()).split('\n');
      await page.keyboard.type(command);
      await page.keyboard.press('Enter');
      await t.waitForPrompt(before, options.timeout);
      const after = (await text()).split('\n');
      // Rows between the command's row and the new prompt.
      const start = all.length - 1;
      const out = after.slice(start + 1);
      while (out.length > 0 && PROMPT.test(out[out.length - 1])) out.pop();
      return out.join('\n');
    },
    async lastLine() {
      return (await lines()).at(-1) ?? '';
    },
    async size() {
      return page.evaluate((i) => {
        const hook = window.flotillaTerminals![i];
        return { columns: hook.columns, rows: hook.rows };
      }, index);
    },
    async focus() {
      const { id, active, pane } = await page.evaluate((i) => {
        const hook = window.flotillaTerminals![i];
        return { id: hook.id, active: hook.active, pane: hook.element.id };
      }, index);
      if (!active) await page.locator(`#terminal-tab-${id}`).click();
      await page.locator(`#${pane} .xterm`).click();
    },
  };
  return t;
}

/** Waits for the playground and its first terminal's first prompt. */
export async function openPlayground(page: Page): Promise<Term> {
  await page.goto('/');
  await waitForRuntime(page, 60_000);
  await expect(page.locator('.term-pane[data-terminal-ready="true"]').first()).toBeVisible({ timeout: 30_000 });
  const t = term(page, 0);
  await t.waitForPrompt(0);
  return t;
}

/** A page with the playground booted; page errors fail the test. */
export const test = base.extend<{ terminal: Term; pageErrors: string[] }>({
  pageErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
    await use(errors);
  },
  terminal: async ({ page, pageErrors }, use) => {
    const t = await openPlayground(page);
    await use(t);
    expect(pageErrors, 'errors in the page').toEqual([]);
  },
});
