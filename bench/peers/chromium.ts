// Drives the bench page in Chromium: one browser context (so one renderer
// process) per peer, steps through page.evaluate, and the renderer's
// memory. The renderer is told apart from Chromium's other processes (spare
// renderers, GPU, network) by its growth while the page fills a buffer; its
// memory is VmRSS from /proc (Linux), which covers the page, every worker it
// started (all run in the renderer) and their wasm memories.

import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';

/** No step takes this long unless a peer hangs. */
const CALL_TIMEOUT_MS = 180_000;

interface ProcessInfo { readonly type: string; readonly id: number }

export class PeerPage {
  private constructor(
    private readonly _context: BrowserContext,
    readonly page: Page,
    private readonly _browserCdp: CDPSession,
    private readonly _pageCdp: CDPSession,
    /** The renderer's pid, or undefined when it could not be told apart or /proc is missing. */
    readonly rendererPid: number | undefined,
  ) {}

  static async open(browser: Browser, url: string): Promise<PeerPage> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`bench page: ${error.message}`));
    await page.goto(url);
    await page.waitForFunction('globalThis.peerBench !== undefined', undefined, { timeout: 60_000 });
    if (!(await page.evaluate('peerBench.isolated'))) throw new Error('the bench page is not cross-origin isolated');
    const browserCdp = await browser.newBrowserCDPSession();
    const pageCdp = await context.newCDPSession(page);
    const pid = await findRenderer(browserCdp, page);
    return new PeerPage(context, page, browserCdp, pageCdp, pid);
  }

  /** Runs `peerBench.call(peer, step, args)` in the page; the result is JSON. */
  async call<T>(peer: string, step: string, args: unknown = {}): Promise<T> {
    const call = this.page.evaluate(`peerBench.call(${JSON.stringify(peer)}, ${JSON.stringify(step)}, ${JSON.stringify(args)})`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${peer} ${step} did not settle in ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS); });
    try {
      return (await Promise.race([call, timeout])) as T;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The renderer's resident set in bytes (median of 3 samples after a GC of the page's heap), or undefined. */
  async rendererRss(): Promise<number | undefined> {
    if (this.rendererPid === undefined) return undefined;
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) {
      await this._pageCdp.send('HeapProfiler.collectGarbage');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const rss = await vmRss(this.rendererPid);
      if (rss === undefined) return undefined;
      samples.push(rss);
    }
    return samples.sort((a, b) => a - b)[1];
  }

  /** The renderer's CPU time so far (utime + stime from /proc, 10 ms ticks), or undefined. */
  async rendererCpuMs(): Promise<number | undefined> {
    if (this.rendererPid === undefined) return undefined;
    try {
      const stat = await readFile(`/proc/${this.rendererPid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in USER_HZ (100 on Linux)
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this._browserCdp.detach().catch(() => {});
    await this._context.close();
  }
}

async function vmRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function renderers(cdp: CDPSession): Promise<ProcessInfo[]> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: ProcessInfo[] };
  return processInfo.filter((process) => process.type === 'renderer');
}

/** The renderer whose resident set grows by most of a 256 MiB buffer the page fills. */
async function findRenderer(cdp: CDPSession, page: Page): Promise<number | undefined> {
  const BALLAST_MIB = 256;
  try {
    const rss = async () => new Map(await Promise.all((await renderers(cdp)).map(async (process) => [process.id, (await vmRss(process.id)) ?? 0] as const)));
    const before = await rss();
    await page.evaluate(`peerBench.ballast(${BALLAST_MIB})`);
    const after = await rss();
    await page.evaluate('peerBench.ballast(0)');
    let best: { id: number; grew: number } | undefined;
    for (const [id, bytes] of after) {
      const grew = bytes - (before.get(id) ?? bytes);
      if (!best || grew > best.grew) best = { id, grew };
    }
    return best && best.grew > (BALLAST_MIB / 2) * 2 ** 20 ? best.id : undefined;
  } catch {
    return undefined; // not Chromium's CDP, no SystemInfo domain, or no /proc
  }
}
