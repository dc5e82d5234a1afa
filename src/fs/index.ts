// Public entry of src/fs: the container file system and its layers.
export * from './types';
export { ContainerFs, type ContainerFsOptions, type WriteFileOptions } from './ContainerFs';
export { monotonicClock, type NsClock } from './clock';
export { ImageLayer } from './ImageLayer';
export { exportDirectoryJson, importDirectoryJson, type DirectoryJson } from './memfsJson';
