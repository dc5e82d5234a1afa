// Adapts the image store (src/images) to what the kernel needs to run an
// image, so the kernel knows nothing of blobs, manifests or HTTP.

import { imageInfo, type ImageStore, type LoadedImage } from '../images';
import type { ImageCatalog, RunnableImage } from '../kernel/ImageCatalog';

export class StoreCatalog implements ImageCatalog {
  private readonly _runnable = new Map<string, RunnableImage>();

  constructor(private readonly _store: ImageStore, private readonly _extra = new Map<string, RunnableImage>()) {}

  async get(reference: string): Promise<RunnableImage> {
    const extra = this._extra.get(reference);
    if (extra) return extra;
    return this._toRunnable(await this._store.get(reference));
  }

  async list(): Promise<RunnableImage[]> {
    const summaries = await this._store.list();
    const images = await Promise.all(summaries.map((summary) => this._store.get(summary.id)));
    return [...images.map((image) => this._toRunnable(image)), ...this._extra.values()];
  }

  /** Registers an image made at run time (e.g. a local .wasm file run by the CLI). */
  add(image: RunnableImage): void {
    this._extra.set(image.info.name, image);
  }

  private _toRunnable(image: LoadedImage): RunnableImage {
    let runnable = this._runnable.get(image.id);
    if (!runnable) {
      runnable = {
        info: imageInfo(image),
        layers: image.layers.map((layer) => ({ digest: layer.digest, entries: layer.entries })),
      };
      this._runnable.set(image.id, runnable);
    }
    return runnable;
  }
}
