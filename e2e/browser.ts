// Which Chromium the e2e tests (and benchmarks) drive: Debian's
// /usr/bin/chromium when it exists, else the browser Playwright installed
// for this user (`npx playwright install chromium`, on other machines).
// FLOTILLA_CHROMIUM=/path/to/chrome overrides both.
import { existsSync } from 'node:fs';
import type { Browser, LaunchOptions } from 'playwright-core';

export const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Quiet, offline, sandbox-free flags for a headless Chromium in CI or a container. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** The Chromium executable to use, or undefined for Playwright's own browser. */
export function chromiumExecutable(): string | undefined {
  const override = process.env.FLOTILLA_CHROMIUM;
  if (override) {
    if (!existsSync(override)) throw new Error(`FLOTILLA_CHROMIUM=${override} does not exist`);
    return override;
  }
  return SYSTEM_CHROMIUM.find((path) => existsSync(path));
}

/** Launch options for `chromium.launch()` and Playwright's `use.launchOptions`. */
export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = chromiumExecutable();
  return executablePath ? { executablePath, args: CHROMIUM_ARGS } : { args: CHROMIUM_ARGS };
}

/** Launches headless Chromium with those options (benchmarks, scripts). */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const base = chromiumLaunchOptions();
  return chromium.launch({ headless: true, ...base, ...options, args: [...(base.args ?? []), ...(options.args ?? [])] });
}
