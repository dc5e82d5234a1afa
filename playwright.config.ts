import { execFileSync } from 'node:child_process';
import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/browser';

// One free port per run, chosen by the runner process: its workers inherit
// the environment and so agree on it. E2E_BASE_URL points the tests at a
// server that is already running instead.
function freePort(): string {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
}
process.env.FLOTILLA_E2E_PORT ??= freePort();
const port = process.env.FLOTILLA_E2E_PORT;
const external = process.env.E2E_BASE_URL;
const ci = !!process.env.CI;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // Each test boots its own runtime in its own page; two at once fit 2 cores.
  workers: ci ? 1 : 2,
  fullyParallel: true,
  forbidOnly: ci,
  retries: 0,
  reporter: ci ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL: external ?? `http://127.0.0.1:${port}/`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunchOptions() } }],
  webServer: external
    ? undefined
    : {
        command: `node scripts/serve-e2e.mjs ${port}`,
        url: `http://127.0.0.1:${port}/`,
        // vite build includes building the images when they are stale.
        timeout: 300_000,
        reuseExistingServer: false,
        stdout: 'pipe',
        stderr: 'pipe',
      },
});
