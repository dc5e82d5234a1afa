// The on-disk image format (an OCI-layout-like directory) and its validation.
// Everything read from an image source is checked here before it is used, so
// a broken or hand-edited build fails with a message naming the field.
import { BadManifestError } from './errors';
import { isDigest } from './digest';

export const MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** The runtime part of an image: OCI's `config` object (Docker names). */
export interface ImageConfig {
  /** Program and leading arguments; paths inside the container. */
  readonly Entrypoint: readonly string[];
  /** Default arguments appended to the Entrypoint (replaced by `run` args). */
  readonly Cmd: readonly string[];
  /** 'KEY=VALUE' strings. */
  readonly Env: readonly string[];
  /** Absolute path the process starts in. */
  readonly WorkingDir: string;
  /** '80/tcp' -> {} (OCI's set encoding). */
  readonly ExposedPorts: Readonly<Record<string, Record<string, never>>>;
  readonly Labels: Readonly<Record<string, string>>;
}

export interface HistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** The config blob: what the image id is the digest of. */
export interface OciImageConfig {
  readonly created?: string;
  readonly architecture: 'wasm32';
  readonly os: 'wasip1';
  readonly config: ImageConfig;
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: readonly string[] };
  readonly history: readonly HistoryEntry[];
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType: typeof MEDIA_TYPES.manifest;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface IndexEntry {
  readonly name: string;
  readonly manifest: ImageManifest;
}

/** build/images/index.json */
export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly images: readonly IndexEntry[];
}

export const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

// ---- small checkers: each throws BadManifestError(where, field, reason) ----

type Json = unknown;

export function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(where: string, field: string, value: Json): Record<string, Json> {
  if (!isPlainObject(value)) throw new BadManifestError(where, field, 'must be an object');
  return value;
}

export function expectString(where: string, field: string, value: Json): string {
  if (typeof value !== 'string') throw new BadManifestError(where, field, 'must be a string');
  return value;
}

export function expectStringArray(where: string, field: string, value: Json): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new BadManifestError(where, field, 'must be an array of strings');
  }
  return [...value];
}

function expectSize(where: string, field: string, value: Json): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new BadManifestError(where, field, 'must be a non-negative integer');
  }
  return value;
}

export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') && !path.includes('\0');
}

/** Validates the OCI `config` object (shared by image.json and the config blob). */
export function validateImageConfig(where: string, raw: Json, prefix = ''): ImageConfig {
  const object = expectObject(where, prefix.replace(/\.$/, ''), raw);
  const field = (name: string) => `${prefix}${name}`;
  const entrypoint = object.Entrypoint === undefined ? [] : expectStringArray(where, field('Entrypoint'), object.Entrypoint);
  const cmd = object.Cmd === undefined ? [] : expectStringArray(where, field('Cmd'), object.Cmd);
  if (entrypoint.length === 0 && cmd.length === 0) {
    throw new BadManifestError(where, field('Entrypoint'), 'must name a program (or Cmd must be non-empty)');
  }
  const program = entrypoint[0] ?? cmd[0]!;
  if (program === '') throw new BadManifestError(where, field(entrypoint.length ? 'Entrypoint' : 'Cmd'), 'must not start with an empty program path');
  const env = object.Env === undefined ? [] : expectStringArray(where, field('Env'), object.Env);
  env.forEach((item, i) => {
    if (item.indexOf('=') < 1) throw new BadManifestError(where, field(`Env[${i}]`), `must be KEY=VALUE, got "${item}"`);
  });
  const workingDir = object.WorkingDir === undefined ? '/' : expectString(where, field('WorkingDir'), object.WorkingDir);
  if (!isAbsolutePath(workingDir)) throw new BadManifestError(where, field('WorkingDir'), `must be an absolute path, got "${workingDir}"`);
  const ports: Record<string, Record<string, never>> = {};
  if (object.ExposedPorts !== undefined) {
    const exposed = expectObject(where, field('ExposedPorts'), object.ExposedPorts);
    for (const key of Object.keys(exposed).sort()) {
      const match = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(key);
      const port = match ? Number(match[1]) : 0;
      if (!match || port < 1 || port > 65535) {
        throw new BadManifestError(where, field(`ExposedPorts.${key}`), 'must be PORT or PORT/PROTOCOL (tcp, udp, sctp) with PORT 1-65535');
      }
      const value = exposed[key];
      if (!isPlainObject(value) || Object.keys(value).length) throw new BadManifestError(where, field(`ExposedPorts.${key}`), 'must be {}');
      ports[match[2] ? key : `${key}/tcp`] = {};
    }
  }
  const labels: Record<string, string> = {};
  if (object.Labels !== undefined) {
    const raw = expectObject(where, field('Labels'), object.Labels);
    for (const key of Object.keys(raw).sort()) labels[key] = expectString(where, field(`Labels.${key}`), raw[key]);
  }
  // Fixed key order keeps serialisation (and so the image id) deterministic.
  return { Entrypoint: entrypoint, Cmd: cmd, Env: env, WorkingDir: workingDir, ExposedPorts: ports, Labels: labels };
}

function validateDescriptor(where: string, field: string, raw: Json, mediaType?: string): Descriptor {
  const object = expectObject(where, field, raw);
  const digest = object.digest;
  if (!isDigest(digest)) throw new BadManifestError(where, `${field}.digest`, 'must be "sha256:" followed by 64 lowercase hex digits');
  const size = expectSize(where, `${field}.size`, object.size);
  const type = object.mediaType === undefined && mediaType ? mediaType : expectString(where, `${field}.mediaType`, object.mediaType);
  if (mediaType && type !== mediaType) throw new BadManifestError(where, `${field}.mediaType`, `must be "${mediaType}", got "${type}"`);
  return { mediaType: type, digest, size };
}

export function validateIndex(raw: Json, where = 'index.json'): ImageIndex {
  const object = expectObject(where, '', raw);
  if (object.schemaVersion !== 2) throw new BadManifestError(where, 'schemaVersion', 'must be 2');
  if (!Array.isArray(object.images)) throw new BadManifestError(where, 'images', 'must be an array');
  const seen = new Set<string>();
  const images = object.images.map((item: Json, i: number): IndexEntry => {
    const entry = expectObject(where, `images[${i}]`, item);
    const name = expectString(where, `images[${i}].name`, entry.name);
    if (!IMAGE_NAME.test(name)) throw new BadManifestError(where, `images[${i}].name`, `"${name}" must match ${IMAGE_NAME}`);
    if (seen.has(name)) throw new BadManifestError(where, `images[${i}].name`, `"${name}" appears twice`);
    seen.add(name);
    const field = `images[${i}].manifest`;
    const manifest = expectObject(where, field, entry.manifest);
    if (manifest.schemaVersion !== 2) throw new BadManifestError(where, `${field}.schemaVersion`, 'must be 2');
    const config = validateDescriptor(where, `${field}.config`, manifest.config, MEDIA_TYPES.config);
    if (!Array.isArray(manifest.layers)) throw new BadManifestError(where, `${field}.layers`, 'must be an array');
    const layers = manifest.layers.map((layer: Json, j: number) => validateDescriptor(where, `${field}.layers[${j}]`, layer, MEDIA_TYPES.layer));
    return { name, manifest: { schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config, layers } };
  });
  return { schemaVersion: 2, images };
}

export function validateOciConfig(raw: Json, where: string): OciImageConfig {
  const object = expectObject(where, '', raw);
  if (object.architecture !== 'wasm32') throw new BadManifestError(where, 'architecture', `must be "wasm32", got ${JSON.stringify(object.architecture)}`);
  if (object.os !== 'wasip1') throw new BadManifestError(where, 'os', `must be "wasip1", got ${JSON.stringify(object.os)}`);
  const config = validateImageConfig(where, object.config, 'config.');
  const rootfs = expectObject(where, 'rootfs', object.rootfs);
  if (rootfs.type !== 'layers') throw new BadManifestError(where, 'rootfs.type', 'must be "layers"');
  const diffIds = expectStringArray(where, 'rootfs.diff_ids', rootfs.diff_ids);
  diffIds.forEach((id, i) => {
    if (!isDigest(id)) throw new BadManifestError(where, `rootfs.diff_ids[${i}]`, 'must be a sha256 digest');
  });
  const history = object.history === undefined ? [] : object.history;
  if (!Array.isArray(history) || !history.every(isPlainObject)) throw new BadManifestError(where, 'history', 'must be an array of objects');
  const created = object.created === undefined ? undefined : expectString(where, 'created', object.created);
  return {
    ...(created !== undefined ? { created } : {}),
    architecture: 'wasm32', os: 'wasip1', config,
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: history as HistoryEntry[],
  };
}
