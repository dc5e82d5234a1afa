// Where a warm start's time goes in Chromium: CPU profiles (CDP) of the page
// and of every container worker while the bench page starts hello from a
// full, quiet warm pool; prints the inclusive time per call path under the
// worker's message handlers and the page's run(). A diagnostic, not part of
// `npm run bench`: npx tsx bench/peers/profile.ts [runs] [depth]
// The page is built unminified here, so the names are the sources'.

import type { CDPSession } from 'playwright-core';
import { launchChromium } from '../../e2e/browser';
import { PeerPage } from './chromium';
import { buildSite, serveSite } from './site';
import { median } from './stats';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Child sessions of auto-attached workers, over Target.sendMessageToTarget (playwright's CDPSession has no flat child sessions). */
class Workers {
  private _next = 1;
  private readonly _pending = new Map<number, (result: unknown) => void>();
  readonly sessions: string[] = [];

  constructor(private readonly _cdp: CDPSession) {
    _cdp.on('Target.attachedToTarget', (event: { sessionId: string; targetInfo: { type: string } }) => {
      if (event.targetInfo.type === 'worker') this.sessions.push(event.sessionId);
    });
    _cdp.on('Target.receivedMessageFromTarget', (event: { message: string }) => {
      const message = JSON.parse(event.message) as { id?: number; result?: unknown };
      if (message.id !== undefined) this._pending.get(message.id)?.(message.result);
    });
  }

  send<T>(sessionId: string, method: string, params: object = {}): Promise<T> {
    const id = this._next++;
    return new Promise((resolve) => {
      this._pending.set(id, resolve as (result: unknown) => void);
      void this._cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  }
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
}

/** Inclusive ms per call path below the first frame named one of `roots`, `depth` frames deep. */
function paths(profiles: Profile[], roots: string[], depth: number, into = new Map<string, number>()): Map<string, number> {
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    profile.samples.forEach((sample, i) => {
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      const stack: ProfileNode[] = [];
      for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) stack.unshift(byId.get(id)!);
      const at = stack.findIndex((node) => roots.includes(node.callFrame.functionName));
      if (at < 0) return;
      const names = stack.slice(at, at + depth).map(label);
      for (let d = 1; d <= names.length; d++) {
        const key = names.slice(0, d).join(' > ');
        into.set(key, (into.get(key) ?? 0) + ms);
      }
    });
  }
  return into;
}

/** Self ms per function among samples below one of `roots`. */
function selfTimes(profiles: Profile[], roots: string[]): Map<string, number> {
  const into = new Map<string, number>();
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    profile.samples.forEach((sample, i) => {
      let below = false;
      for (let id: number | undefined = sample; id !== undefined && !below; id = parent.get(id)) below = roots.includes(byId.get(id)!.callFrame.functionName);
      if (!below) return;
      const key = label(byId.get(sample)!);
      into.set(key, (into.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    });
  }
  return into;
}

function printTop(title: string, times: Map<string, number>, runs: number, count = 25): void {
  console.log(`\n${title} (ms per start, self)`);
  for (const [key, ms] of [...times].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${(ms / runs).toFixed(3).padStart(8)}  ${key}`);
}

function print(title: string, tree: Map<string, number>, runs: number): void {
  console.log(`\n${title} (ms per start, inclusive)`);
  for (const [key, ms] of [...tree].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (ms / runs < 0.02) continue;
    const parts = key.split(' > ');
    console.log(`${(ms / runs).toFixed(3).padStart(8)}  ${'  '.repeat(parts.length - 1)}${parts.at(-1)}`);
  }
}

const runs = Number(process.argv[2] ?? 30);
const depth = Number(process.argv[3] ?? 5);
await buildSite({ minify: false });
const site = await serveSite();
const browser = await launchChromium();
try {
  const page = await PeerPage.open(browser, `${site.url}bench/peers/page.html`);
  await page.call('flotilla', 'setup', { poolSize: runs + 4 });
  const cdp = await page.page.context().newCDPSession(page.page);
  const workers = new Workers(cdp);
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const session of workers.sessions) {
    await workers.send(session, 'Profiler.enable');
    await workers.send(session, 'Profiler.setSamplingInterval', { interval: 50 });
    await workers.send(session, 'Profiler.start');
  }
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const firstByte = await page.call<number[]>('flotilla', 'keptStarts', { runs });
  const { profile: pageProfile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
  const workerProfiles: Profile[] = [];
  for (const session of workers.sessions) {
    const stopped = await workers.send<{ profile?: Profile } | undefined>(session, 'Profiler.stop');
    if (stopped?.profile) workerProfiles.push(stopped.profile);
  }
  await page.call('flotilla', 'keptDown');
  console.log(`${runs} starts from a quiet warm pool, under the profiler: run() → first byte p50 ${median(firstByte).toFixed(2)} ms; ${workerProfiles.length} worker profiles`);
  print('page: the supervisor', paths([pageProfile], ['run', 'create', '_onWorkerMessage'], depth), runs);
  print('container workers: message handlers', paths(workerProfiles, ['attach', 'run', 'warm'], depth), runs);
  printTop('container workers: the most expensive functions below attach and run', selfTimes(workerProfiles, ['attach', 'run']), runs);
  await page.close();
} finally {
  await browser.close();
  await site.close();
}
