// images/<name>/image.json: an image's OCI config (Docker names) plus a
// build spec saying what goes in its root file system. Validated at build
// time so a mistake fails the build naming the image and the field; then
// assembled, deterministically, into a tar layer and a config blob.
import { BadManifestError } from './errors';
import { digestOf } from './digest';
import {
  IMAGE_NAME, MEDIA_TYPES, expectObject, expectString, expectStringArray, isAbsolutePath,
  validateImageConfig, type ImageConfig, type ImageManifest, type OciImageConfig,
} from './manifest';
import { writeTar, type TarEntry } from './tar';

/** What one path of the image is made from. */
export type FileSpec =
  /** C sources (relative to the image directory) compiled and linked to a wasm32-wasip1 command. */
  | { readonly kind: 'build'; readonly sources: readonly string[]; readonly flags: readonly string[]; readonly mode: number }
  | { readonly kind: 'text'; readonly text: string; readonly mode: number }
  /** A file of the image directory copied verbatim. */
  | { readonly kind: 'copy'; readonly from: string; readonly mode: number }
  | { readonly kind: 'symlink'; readonly target: string }
  /** Another name for the file at `target` (an absolute path in `files`). */
  | { readonly kind: 'hardlink'; readonly target: string }
  | { readonly kind: 'directory'; readonly mode: number };

export interface ImageDefinition {
  readonly name: string;
  readonly config: ImageConfig;
  /** RFC 3339 time; also every entry's mtime, so builds are reproducible. */
  readonly created: string;
  readonly files: ReadonlyMap<string, FileSpec>;
}

const TOP_LEVEL = ['Entrypoint', 'Cmd', 'Env', 'WorkingDir', 'ExposedPorts', 'Labels', 'created', 'files', '$comment'];
const SPEC_KINDS = ['build', 'text', 'copy', 'symlink', 'hardlink', 'directory'] as const;

/** Directories every image has, whatever its files say. */
export const BASE_DIRECTORIES: ReadonlyArray<readonly [path: string, mode: number]> = [
  ['/bin', 0o755], ['/etc', 0o755], ['/home', 0o755], ['/tmp', 0o1777],
];

export const DEFAULT_CREATED = '1970-01-01T00:00:00Z';

function parseMode(where: string, field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^0?[0-7]{3,4}$/.test(value)) {
    throw new BadManifestError(where, field, 'must be an octal string such as "0755"');
  }
  return parseInt(value, 8);
}

function isNormalizedAbsolute(path: string): boolean {
  return isAbsolutePath(path) && path !== '/' && !path.endsWith('/') &&
    path.slice(1).split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

function isRelativeInside(path: string): boolean {
  return path !== '' && !path.startsWith('/') && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

function validateFileSpec(where: string, field: string, raw: unknown): FileSpec {
  const spec = expectObject(where, field, raw);
  const kinds = SPEC_KINDS.filter((kind) => spec[kind] !== undefined);
  if (kinds.length !== 1) {
    throw new BadManifestError(where, field, `must have exactly one of ${SPEC_KINDS.join(', ')}${kinds.length ? ` (has ${kinds.join(', ')})` : ''}`);
  }
  const allowed = new Set([kinds[0]!, 'mode', ...(kinds[0] === 'build' ? ['flags'] : [])]);
  for (const key of Object.keys(spec)) {
    if (!allowed.has(key)) throw new BadManifestError(where, `${field}.${key}`, `is not allowed with "${kinds[0]}"`);
  }
  switch (kinds[0]!) {
    case 'build': {
      const sources = expectStringArray(where, `${field}.build`, spec.build);
      if (sources.length === 0) throw new BadManifestError(where, `${field}.build`, 'must list at least one source file');
      for (const source of sources) {
        if (!isRelativeInside(source) || !/\.c$/.test(source)) {
          throw new BadManifestError(where, `${field}.build`, `"${source}" must be a .c file inside the image directory`);
        }
      }
      const flags = spec.flags === undefined ? [] : expectStringArray(where, `${field}.flags`, spec.flags);
      return { kind: 'build', sources, flags, mode: parseMode(where, `${field}.mode`, spec.mode, 0o755) };
    }
    case 'text':
      return { kind: 'text', text: expectString(where, `${field}.text`, spec.text), mode: parseMode(where, `${field}.mode`, spec.mode, 0o644) };
    case 'copy': {
      const from = expectString(where, `${field}.copy`, spec.copy);
      if (!isRelativeInside(from)) throw new BadManifestError(where, `${field}.copy`, `"${from}" must be a path inside the image directory`);
      return { kind: 'copy', from, mode: parseMode(where, `${field}.mode`, spec.mode, 0o644) };
    }
    case 'symlink': {
      if (spec.mode !== undefined) throw new BadManifestError(where, `${field}.mode`, 'is not allowed for a symlink');
      const target = expectString(where, `${field}.symlink`, spec.symlink);
      if (target === '') throw new BadManifestError(where, `${field}.symlink`, 'must not be empty');
      return { kind: 'symlink', target };
    }
    case 'hardlink': {
      if (spec.mode !== undefined) throw new BadManifestError(where, `${field}.mode`, 'is not allowed for a hard link (it shares its target\'s)');
      return { kind: 'hardlink', target: expectString(where, `${field}.hardlink`, spec.hardlink) };
    }
    case 'directory':
      if (spec.directory !== true) throw new BadManifestError(where, `${field}.directory`, 'must be true');
      return { kind: 'directory', mode: parseMode(where, `${field}.mode`, spec.mode, 0o755) };
  }
}

/** Validates images/<name>/image.json; `where` prefixes every error message. */
export function validateImageDefinition(name: string, raw: unknown, where = `images/${name}/image.json`): ImageDefinition {
  if (!IMAGE_NAME.test(name)) throw new BadManifestError(where, '', `image name "${name}" must match ${IMAGE_NAME}`);
  const object = expectObject(where, '', raw);
  for (const key of Object.keys(object)) {
    if (!TOP_LEVEL.includes(key)) throw new BadManifestError(where, key, `is not a known field (known: ${TOP_LEVEL.join(', ')})`);
  }
  const config = validateImageConfig(where, object);
  const created = object.created === undefined ? DEFAULT_CREATED : expectString(where, 'created', object.created);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(created) || Number.isNaN(Date.parse(created))) {
    throw new BadManifestError(where, 'created', `must be a UTC time like "2025-01-01T00:00:00Z", got "${created}"`);
  }
  const filesRaw = expectObject(where, 'files', object.files);
  const files = new Map<string, FileSpec>();
  for (const path of Object.keys(filesRaw).sort()) {
    if (!isNormalizedAbsolute(path)) throw new BadManifestError(where, `files.${path}`, 'must be a normalised absolute path (no ., .., // or trailing /)');
    files.set(path, validateFileSpec(where, `files.${path}`, filesRaw[path]));
  }
  for (const [path, spec] of files) {
    // Only directories may have children.
    for (let parent = path.slice(0, path.lastIndexOf('/')); parent; parent = parent.slice(0, parent.lastIndexOf('/'))) {
      const parentSpec = files.get(parent);
      if (parentSpec && parentSpec.kind !== 'directory') throw new BadManifestError(where, `files.${path}`, `is inside ${parent}, which is not a directory`);
    }
    if (spec.kind === 'hardlink') {
      const target = files.get(spec.target);
      if (!target || target.kind === 'directory' || target.kind === 'hardlink') {
        throw new BadManifestError(where, `files.${path}.hardlink`, `"${spec.target}" must be another file listed in files`);
      }
    }
  }
  const program = config.Entrypoint[0] ?? config.Cmd[0]!;
  if (program.startsWith('/')) {
    const spec = files.get(program);
    // A text program must be a Flotilla program marker (`#!flotilla:sh`, `#!flotilla:program NAME`).
    const marker = spec?.kind === 'text' && spec.text.startsWith('#!flotilla:');
    if (!spec || spec.kind === 'directory' || (spec.kind === 'text' && !marker)) {
      throw new BadManifestError(where, config.Entrypoint.length ? 'Entrypoint' : 'Cmd', `program "${program}" must be a built, copied or linked file in files, or a #!flotilla: marker`);
    }
  }
  return { name, config, created, files };
}

export interface AssembledImage {
  readonly name: string;
  readonly layer: Uint8Array;
  readonly config: Uint8Array;
  readonly manifest: ImageManifest;
}

/**
 * Builds the layer tar and config blob of an image. `contents` holds the
 * bytes of every 'build' and 'copy' path (keyed by image path). Output is a
 * pure function of the inputs: fixed mtimes, owners and entry order.
 */
export async function assembleImage(definition: ImageDefinition, contents: ReadonlyMap<string, Uint8Array>): Promise<AssembledImage> {
  const mtime = Math.floor(Date.parse(definition.created) / 1000);
  const directories = new Map<string, number>(BASE_DIRECTORIES);
  for (const [path, spec] of definition.files) {
    for (let parent = path.slice(0, path.lastIndexOf('/')); parent; parent = parent.slice(0, parent.lastIndexOf('/'))) {
      if (!directories.has(parent)) directories.set(parent, 0o755);
    }
    if (spec.kind === 'directory') directories.set(path, spec.mode);
  }
  const entries: TarEntry[] = [];
  const hardlinks: TarEntry[] = [];
  const paths = new Set([...directories.keys(), ...definition.files.keys()]);
  for (const path of [...paths].sort()) {
    const name = path.slice(1);
    const spec = definition.files.get(path);
    if (!spec || spec.kind === 'directory') {
      entries.push({ name, type: 'directory', mode: directories.get(path)!, mtime });
    } else if (spec.kind === 'text') {
      entries.push({ name, type: 'file', mode: spec.mode, mtime, data: new TextEncoder().encode(spec.text) });
    } else if (spec.kind === 'build' || spec.kind === 'copy') {
      const data = contents.get(path);
      if (!data) throw new Error(`${definition.name}: no contents were provided for ${path}`);
      entries.push({ name, type: 'file', mode: spec.mode, mtime, data });
    } else if (spec.kind === 'symlink') {
      entries.push({ name, type: 'symlink', mode: 0o777, mtime, linkName: spec.target });
    } else {
      // After everything else, so the target always precedes the link.
      hardlinks.push({ name, type: 'hardlink', mode: 0o644, mtime, linkName: spec.target.slice(1) });
    }
  }
  const layer = writeTar([...entries, ...hardlinks]);
  const layerDigest = await digestOf(layer);
  const ociConfig: OciImageConfig = {
    created: definition.created,
    architecture: 'wasm32',
    os: 'wasip1',
    config: definition.config,
    rootfs: { type: 'layers', diff_ids: [layerDigest] },
    history: [{ created: definition.created, created_by: `flotilla build-images images/${definition.name}/image.json` }],
  };
  const config = new TextEncoder().encode(JSON.stringify(ociConfig));
  return {
    name: definition.name,
    layer,
    config,
    manifest: {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: { mediaType: MEDIA_TYPES.config, digest: await digestOf(config), size: config.length },
      layers: [{ mediaType: MEDIA_TYPES.layer, digest: layerDigest, size: layer.length }],
    },
  };
}

/** index.json bytes: images sorted by name, pretty-printed for people. */
export function serializeIndex(images: ReadonlyArray<{ readonly name: string; readonly manifest: ImageManifest }>): Uint8Array {
  const sorted = [...images].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const index = { schemaVersion: 2, images: sorted.map(({ name, manifest }) => ({ name, manifest })) };
  return new TextEncoder().encode(`${JSON.stringify(index, null, 2)}\n`);
}
