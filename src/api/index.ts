// Flotilla's public library API (browser and Node).
export { Runtime, type RuntimeOptions } from './Runtime';
export type * from './types';
export { KernelError, ContainerNotFoundError, InvalidStateError, NameInUseError, InvalidOptionsError, EntrypointNotFoundError, ContainerFileError, RuntimeDisposedError, NetworkNotFoundError, NetworkExistsError, NetworkInUseError } from '../kernel/errors';
export { ImageError, UnknownImageError, BadManifestError, DigestMismatchError, InvalidWasmError, MissingImportsError } from '../images';
export { NetworkRegistry } from '../kernel/network/NetworkRegistry';
export type { NetworkUpstream } from '../kernel/network/NetworkControl';
export { formatIpv4, parseIpv4 } from '../net/address';
