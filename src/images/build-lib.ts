// The pure (no node:*) part of scripts/build-images.mjs: bundled with esbuild
// at build time so the build and the loader share one tar writer and one
// manifest validator instead of two copies that could drift apart.
export { validateImageDefinition, assembleImage, serializeIndex, BASE_DIRECTORIES, type ImageDefinition, type FileSpec, type AssembledImage } from './definition';
export { validateIndex, validateOciConfig } from './manifest';
export { readTar } from './tar';
export { BadManifestError } from './errors';
