// Flotilla's public library API (browser and Node).
export { Runtime, type RuntimeOptions } from './Runtime';
export type * from './types';
export { KernelError, ContainerNotFoundError, InvalidStateError, NameInUseError, InvalidOptionsError, EntrypointNotFoundError, ContainerFileError, RuntimeDisposedError } from '../kernel/errors';
export { ImageError, UnknownImageError, BadManifestError, DigestMismatchError, InvalidWasmError, MissingImportsError } from '../images';
