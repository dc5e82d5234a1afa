// Public surface of src/images for the browser and Node (NodeImageSource is
// imported from './NodeImageSource' directly, as it needs node:fs).
export * from './errors';
export { sha256Hex, digestOf, isDigest, blobPath } from './digest';
export { readTar, writeTar, normalizeTarName, type TarEntry, type TarEntryType } from './tar';
export { layerEntriesFromTar, toSharedBytes } from './layer';
export {
  MEDIA_TYPES, validateIndex, validateOciConfig, validateImageConfig,
  type ImageConfig, type OciImageConfig, type ImageManifest, type ImageIndex, type IndexEntry, type Descriptor, type HistoryEntry,
} from './manifest';
export { HttpImageSource, MemoryImageSource, type ImageSource } from './ImageSource';
export { ImageStore, imageInfo, type LoadedImage, type LoadedLayer, type ImageSummary } from './ImageStore';
export { compileWasm, checkImports, assertImports, moduleKind, importNames, WASI_PREVIEW1_IMPORTS, type ModuleKind } from './wasm';
