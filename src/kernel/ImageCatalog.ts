// What the kernel needs to know of an image to run it. src/api adapts the
// image store (src/images) to this, so the kernel does not depend on how
// images are stored or fetched.

import type { ImageInfo } from '../api/types';
import type { LayerEntry } from '../fs/types';

export interface RunnableImage {
  /** Name, id ('sha256:…' of the config) and config, as the API reports them. */
  readonly info: ImageInfo;
  /** Read-only layers, bottom first; file data live in shared memory. */
  readonly layers: ReadonlyArray<{ readonly digest: string; readonly entries: readonly LayerEntry[] }>;
}

export interface ImageCatalog {
  /** Throws the image store's typed error (e.g. UnknownImageError) when there is no such image. */
  get(reference: string): Promise<RunnableImage>;
  list(): Promise<RunnableImage[]>;
}
