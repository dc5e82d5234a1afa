// Docker's rules for turning an image config plus run options into what a
// container runs: the command (Entrypoint + Cmd), the environment and the
// working directory.

import type { ContainerOptions } from '../api/types';
import type { ContainerConfig } from './ContainerRecord';
import { InvalidOptionsError } from './errors';
import type { RunnableImage } from './ImageCatalog';
import { DEFAULT_LIMITS, resolveLimits, type ResolvedLimits } from './limits';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function resolveConfig({ info: image }: RunnableImage, options: ContainerOptions, hostname: string, limitDefaults: ResolvedLimits = DEFAULT_LIMITS): ContainerConfig {
  const entrypoint = options.entrypoint ? checkStrings('entrypoint', options.entrypoint) : image.entrypoint;
  // As in Docker, a new entrypoint drops the image's Cmd.
  const cmd = options.args ? checkStrings('args', options.args) : options.entrypoint ? [] : image.cmd;
  const command = [...entrypoint, ...cmd];
  if (command.length === 0) throw new InvalidOptionsError('args', `image ${image.name} has no Entrypoint or Cmd, so a command is required`);
  const workdir = options.workdir ?? (image.workdir || '/');
  if (!workdir.startsWith('/')) throw new InvalidOptionsError('workdir', `"${workdir}" must be an absolute path`);
  const preopens = ['/', ...checkPreopens(options.preopens ?? [])];
  return {
    command,
    env: mergeEnv(image.env, options.env, workdir, hostname),
    workdir,
    preopens,
    tty: options.tty ?? false,
    openStdin: options.openStdin ?? options.tty ?? false,
    initialStdin: typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin) : options.stdin,
    labels: { ...image.labels, ...options.labels },
    // Every process starts with the extra preopens and the pre-opened listening sockets as descriptors.
    limits: resolveLimits(options, limitDefaults, preopens.length - 1 + (Array.isArray(options.listen) ? options.listen.length : 0)),
  };
}

/** Image env, then defaults Docker adds when missing, then the run's env (later wins). */
function mergeEnv(imageEnv: readonly string[], extra: ContainerOptions['env'], workdir: string, hostname: string): string[] {
  const env = new Map<string, string>();
  const put = (entry: string, option: string): void => {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new InvalidOptionsError(option, `"${entry}" is not KEY=VALUE`);
    env.set(entry.slice(0, eq), entry);
  };
  for (const entry of imageEnv) put(entry, 'image Env');
  if (!env.has('PATH')) put(DEFAULT_PATH, 'env');
  if (!env.has('HOME')) put('HOME=/root', 'env');
  put(`HOSTNAME=${hostname}`, 'env');
  put(`PWD=${workdir}`, 'env');
  if (Array.isArray(extra)) for (const entry of extra as readonly string[]) put(checkString('env', entry), 'env');
  else if (extra) for (const [key, value] of Object.entries(extra)) put(`${key}=${checkString('env', value)}`, 'env');
  return [...env.values()];
}

function checkPreopens(paths: readonly unknown[]): string[] {
  return checkStrings('preopens', paths).map((path) => {
    if (!path.startsWith('/')) throw new InvalidOptionsError('preopens', `"${path}" must be an absolute path`);
    return path.replace(/\/+$/, '') || '/';
  }).filter((path) => path !== '/');
}

function checkStrings(option: string, values: readonly unknown[]): string[] {
  if (!Array.isArray(values)) throw new InvalidOptionsError(option, 'must be an array of strings');
  return values.map((value) => checkString(option, value));
}

function checkString(option: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidOptionsError(option, `${JSON.stringify(value)} is not a string`);
  if (value.includes('\0')) throw new InvalidOptionsError(option, 'must not contain NUL bytes');
  return value;
}

/** The image file a command names: an absolute path, or a name looked up in PATH dirs of the image. */
export function resolveEntrypoint(image: RunnableImage, program: string): { path: string; data: Uint8Array } | undefined {
  const candidates = program.includes('/') ? [program] : ['/usr/local/bin', '/usr/bin', '/bin'].map((dir) => `${dir}/${program}`);
  for (const candidate of candidates) {
    const entry = findFile(image, candidate, 0);
    if (entry) return entry;
  }
  return undefined;
}

function findFile(image: RunnableImage, path: string, depth: number): { path: string; data: Uint8Array } | undefined {
  if (depth > 8) return undefined;
  for (let i = image.layers.length - 1; i >= 0; i--) {
    const entry = image.layers[i]!.entries.find((candidate) => candidate.path === path);
    if (!entry) continue;
    if (entry.kind === 'file' && entry.data) return { path, data: entry.data };
    if (entry.linkTo) return findFile(image, entry.linkTo, depth + 1);
    if (entry.kind === 'symlink' && entry.target) {
      const target = entry.target.startsWith('/') ? entry.target : `${path.slice(0, path.lastIndexOf('/'))}/${entry.target}`;
      return findFile(image, target, depth + 1);
    }
    return undefined;
  }
  return undefined;
}
