// Installs node_modules when it is missing or no longer matches
// package-lock.json, so `npm run dev` and `npm test` work on a fresh clone.
// Uses only Node built-ins: it runs before any dependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lockPath = join(root, 'package-lock.json');
const hiddenLockPath = join(root, 'node_modules', '.package-lock.json');

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Why node_modules needs an install, or undefined when it is up to date. */
export function staleReason() {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  const lock = readJson(lockPath);
  if (!lock?.packages) return undefined; // no lockfile: nothing to compare against
  const installed = readJson(hiddenLockPath)?.packages;
  if (!installed) return 'node_modules/.package-lock.json is missing';
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || !path.startsWith('node_modules/') || entry.link) continue;
    const have = installed[path];
    if (!have) {
      // Platform-specific optional packages (esbuild's, rolldown's binaries
      // for other systems) are legitimately absent.
      if (entry.optional || (entry.devOptional && (entry.os || entry.cpu))) continue;
      return `${path.slice('node_modules/'.length)} is not installed`;
    }
    if (have.version !== entry.version) {
      return `${path.slice('node_modules/'.length)} is ${have.version}, the lockfile wants ${entry.version}`;
    }
  }
  return undefined;
}

export function ensureDeps() {
  const reason = staleReason();
  if (!reason) return;
  const fresh = !existsSync(join(root, 'node_modules'));
  // `npm ci` for a fresh clone (exactly the lockfile), `npm install` to
  // catch up an existing tree without wiping it.
  const args = fresh ? ['ci'] : ['install'];
  args.push('--no-audit', '--no-fund');
  console.log(`ensure-deps: ${reason}; running npm ${args.join(' ')}`);
  const result = spawnSync('npm', args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
    // Tests use the system Chromium or an already installed Playwright
    // browser; an install must never try to download one.
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  if (result.status !== 0) {
    console.error(`ensure-deps: npm ${args[0]} failed (${result.error?.message ?? `exit ${result.status}`})`);
    process.exit(result.status || 1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureDeps();
}
