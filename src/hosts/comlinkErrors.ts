// comlink sends a thrown Error as its name, message and stack; our typed
// errors also carry a `code` (CONTAINER_NOT_FOUND, ECONNREFUSED, …) that
// callers test. Installed on both sides of a host connection.
import { transferHandlers, type TransferHandler } from 'comlink';

interface Thrown {
  value: unknown;
}

let installed = false;

export function keepErrorCodes(): void {
  if (installed) return;
  installed = true;
  const base = transferHandlers.get('throw') as TransferHandler<Thrown, { isError: boolean; value: Record<string, unknown> }>;
  transferHandlers.set('throw', {
    canHandle: base.canHandle,
    serialize(thrown: Thrown) {
      const [serialized, transfer] = base.serialize(thrown);
      const code = (thrown.value as { code?: unknown } | null)?.code;
      if (serialized.isError && typeof code === 'string') serialized.value.code = code;
      return [serialized, transfer];
    },
    deserialize: base.deserialize,
  } as TransferHandler<unknown, unknown>);
}
