// Finds, verifies and decodes images from an ImageSource. Loading checks
// every blob against its sha256 digest, validates the manifests, and decodes
// each layer once into LayerEntry values over one shared buffer; results are
// cached, so every container of an image shares the same bytes.
import type { ImageInfo } from '../api/types';
import type { LayerEntry } from '../fs/types';
import { blobPath, digestOf } from './digest';
import { AmbiguousImageError, BadManifestError, DigestMismatchError, UnknownImageError } from './errors';
import type { ImageSource } from './ImageSource';
import { layerEntriesFromTar, toSharedBytes } from './layer';
import { validateIndex, validateOciConfig, type ImageConfig, type ImageIndex, type ImageManifest, type IndexEntry, type OciImageConfig } from './manifest';

export interface ImageSummary {
  readonly name: string;
  /** 'sha256:<hex>' of the config blob. */
  readonly id: string;
  /** Bytes of all layer blobs. */
  readonly size: number;
}

export interface LoadedLayer {
  readonly digest: string;
  readonly size: number;
  /** The whole tar blob, in a SharedArrayBuffer when the platform has one. */
  readonly bytes: Uint8Array;
  /** Decoded entries; file `data` are views into `bytes`. */
  readonly entries: readonly LayerEntry[];
}

export interface LoadedImage {
  readonly name: string;
  /** 'sha256:<hex>' of the config blob (Docker's image id). */
  readonly id: string;
  readonly config: ImageConfig;
  /** The whole config blob, for inspect. */
  readonly ociConfig: OciImageConfig;
  readonly manifest: ImageManifest;
  /** Layers, bottom first, each with its decoded entries; file data share one buffer per layer. */
  readonly layers: readonly LoadedLayer[];
  /** Bytes of all layer blobs. */
  readonly size: number;
  /** Sorted paths of every non-directory entry. */
  readonly files: readonly string[];
}

const HEX_PREFIX = /^[0-9a-f]{1,64}$/;

export class ImageStore {
  private index: Promise<ImageIndex> | undefined;
  private readonly loaded = new Map<string, Promise<LoadedImage>>();

  constructor(readonly source: ImageSource) {}

  private readIndex(): Promise<ImageIndex> {
    this.index ??= this.source.readJson('index.json').then((raw) => validateIndex(raw));
    // A failed read is not cached: the build may not have run yet.
    this.index.catch(() => { this.index = undefined; });
    return this.index;
  }

  /** Forgets the cached index (and loaded images), e.g. after a rebuild. */
  refresh(): void {
    this.index = undefined;
    this.loaded.clear();
  }

  async list(): Promise<ImageSummary[]> {
    const index = await this.readIndex();
    return index.images.map(({ name, manifest }) => ({
      name,
      id: manifest.config.digest,
      size: manifest.layers.reduce((sum, layer) => sum + layer.size, 0),
    }));
  }

  /**
   * Finds an index entry by name ('hello' or 'hello:latest'), full id
   * ('sha256:<hex>') or unique id prefix ('3f2a' or 'sha256:3f2a').
   */
  async resolve(ref: string): Promise<IndexEntry> {
    const index = await this.readIndex();
    const name = ref.endsWith(':latest') ? ref.slice(0, -':latest'.length) : ref;
    const byName = index.images.find((image) => image.name === name);
    if (byName) return byName;
    const hex = ref.startsWith('sha256:') ? ref.slice(7) : ref;
    if (HEX_PREFIX.test(hex)) {
      const matches = index.images.filter((image) => image.manifest.config.digest.slice(7).startsWith(hex));
      // Several names may point at one config: that is one image, not ambiguity.
      const ids = new Set(matches.map((image) => image.manifest.config.digest));
      if (ids.size > 1) throw new AmbiguousImageError(ref, matches.map((image) => `${image.name} (${image.manifest.config.digest.slice(7, 19)})`));
      if (matches.length) return matches[0]!;
    }
    throw new UnknownImageError(ref, index.images.map((image) => image.name));
  }

  /** Loads (once) and returns the image `ref` names; see resolve() for the forms of `ref`. */
  async get(ref: string): Promise<LoadedImage> {
    const entry = await this.resolve(ref);
    const key = `${entry.name}@${entry.manifest.config.digest}`;
    let loading = this.loaded.get(key);
    if (!loading) {
      loading = this.load(entry);
      this.loaded.set(key, loading);
      loading.catch(() => this.loaded.delete(key));
    }
    return loading;
  }

  private async readBlob(digest: string, expectedSize: number): Promise<Uint8Array> {
    const path = blobPath(digest);
    const bytes = await this.source.readBytes(path);
    const actual = await digestOf(bytes);
    if (actual !== digest) throw new DigestMismatchError(path, digest, actual);
    if (bytes.length !== expectedSize) throw new BadManifestError('index.json', `size of ${digest}`, `is ${expectedSize} but the blob has ${bytes.length} bytes`);
    return bytes;
  }

  private async load({ name, manifest }: IndexEntry): Promise<LoadedImage> {
    const configBytes = await this.readBlob(manifest.config.digest, manifest.config.size);
    const where = `config of image "${name}" (${blobPath(manifest.config.digest)})`;
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(configBytes));
    } catch (error) {
      throw new BadManifestError(where, '', `is not valid JSON: ${(error as Error).message}`);
    }
    const ociConfig = validateOciConfig(raw, where);
    const diffIds = ociConfig.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length || diffIds.some((id, i) => id !== manifest.layers[i]!.digest)) {
      throw new BadManifestError(where, 'rootfs.diff_ids', 'must equal the digests of the manifest\'s (uncompressed) layers');
    }
    const layers = await Promise.all(manifest.layers.map(async (layer): Promise<LoadedLayer> => {
      const bytes = toSharedBytes(await this.readBlob(layer.digest, layer.size));
      const entries = layerEntriesFromTar(bytes, `layer ${layer.digest} of image "${name}"`);
      return { digest: layer.digest, size: layer.size, bytes, entries };
    }));
    const files = new Set<string>();
    for (const layer of layers) for (const entry of layer.entries) if (entry.kind !== 'directory') files.add(entry.path);
    return {
      name,
      id: manifest.config.digest,
      config: ociConfig.config,
      ociConfig,
      manifest,
      layers,
      size: layers.reduce((sum, layer) => sum + layer.size, 0),
      files: [...files].sort(),
    };
  }
}

/** The public description of a loaded image (src/api's ImageInfo). */
export function imageInfo(image: LoadedImage): ImageInfo {
  const { config } = image;
  return {
    name: image.name,
    id: image.id,
    entrypoint: config.Entrypoint,
    cmd: config.Cmd,
    env: config.Env,
    workdir: config.WorkingDir,
    exposedPorts: Object.keys(config.ExposedPorts),
    labels: config.Labels,
    size: image.size,
    files: image.files,
  };
}
