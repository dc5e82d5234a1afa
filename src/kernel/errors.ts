// Typed errors of the supervisor. Each has a stable `code` for programs and
// a message for people. None of them is ever caused by what a guest does:
// a guest's failure is an ExitStatus, not an exception.

export type KernelErrorCode =
  | 'CONTAINER_NOT_FOUND'
  | 'INVALID_STATE'
  | 'NAME_IN_USE'
  | 'INVALID_OPTIONS'
  | 'ENTRYPOINT_NOT_FOUND'
  | 'ENTRYPOINT_NOT_EXECUTABLE'
  | 'FILE_ERROR'
  | 'RUNTIME_DISPOSED'
  | 'NETWORK_NOT_FOUND'
  | 'NETWORK_EXISTS'
  | 'NETWORK_IN_USE';

export class KernelError extends Error {
  override readonly name: string = 'KernelError';
  constructor(readonly code: KernelErrorCode, message: string) {
    super(message);
  }
}

export class ContainerNotFoundError extends KernelError {
  override readonly name = 'ContainerNotFoundError';
  constructor(readonly idOrName: string) {
    super('CONTAINER_NOT_FOUND', `No such container: ${idOrName}`);
  }
}

export class InvalidStateError extends KernelError {
  override readonly name = 'InvalidStateError';
  constructor(readonly containerId: string, readonly state: string, action: string) {
    super('INVALID_STATE', `cannot ${action} container ${containerId.slice(0, 12)}: it is ${state}`);
  }
}

export class NameInUseError extends KernelError {
  override readonly name = 'NameInUseError';
  constructor(readonly containerName: string, holder: string) {
    super('NAME_IN_USE', `The container name "/${containerName}" is already in use by container "${holder}"`);
  }
}

export class InvalidOptionsError extends KernelError {
  override readonly name = 'InvalidOptionsError';
  constructor(readonly option: string, reason: string) {
    super('INVALID_OPTIONS', `invalid option ${option}: ${reason}`);
  }
}

export class EntrypointNotFoundError extends KernelError {
  override readonly name = 'EntrypointNotFoundError';
  constructor(readonly path: string, image: string) {
    super('ENTRYPOINT_NOT_FOUND', `exec ${path}: no such file in image ${image}`);
  }
}

export class EntrypointNotExecutableError extends KernelError {
  override readonly name = 'EntrypointNotExecutableError';
  constructor(readonly path: string, image: string) {
    super('ENTRYPOINT_NOT_EXECUTABLE', `exec ${path}: not a WebAssembly program or a Flotilla program marker (image ${image})`);
  }
}

export class ContainerFileError extends KernelError {
  override readonly name = 'ContainerFileError';
  constructor(readonly path: string, reason: string) {
    super('FILE_ERROR', `${path}: ${reason}`);
  }
}

export class RuntimeDisposedError extends KernelError {
  override readonly name = 'RuntimeDisposedError';
  constructor() {
    super('RUNTIME_DISPOSED', 'the runtime has been disposed');
  }
}

export class NetworkNotFoundError extends KernelError {
  override readonly name = 'NetworkNotFoundError';
  constructor(readonly network: string) {
    super('NETWORK_NOT_FOUND', `network ${network} not found`);
  }
}

export class NetworkExistsError extends KernelError {
  override readonly name = 'NetworkExistsError';
  constructor(readonly network: string) {
    super('NETWORK_EXISTS', `network with name ${network} already exists`);
  }
}

/** Removing a network with containers, a predefined one, or joining one twice. */
export class NetworkInUseError extends KernelError {
  override readonly name = 'NetworkInUseError';
  constructor(readonly network: string, reason: string) {
    super('NETWORK_IN_USE', `network ${network}: ${reason}`);
  }
}
