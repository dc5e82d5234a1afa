// Typed errors of the image layer. Each has a string-literal `code` so the
// runtime and the API can branch on it (and map it to an exit reason or an
// HTTP-like status) without parsing messages; messages are written for people.

export type ImageErrorCode =
  | 'UNKNOWN_IMAGE'
  | 'AMBIGUOUS_IMAGE'
  | 'BAD_MANIFEST'
  | 'BAD_LAYER'
  | 'DIGEST_MISMATCH'
  | 'IMAGE_SOURCE'
  | 'INVALID_WASM'
  | 'MISSING_IMPORTS';

export abstract class ImageError extends Error {
  abstract readonly code: ImageErrorCode;
}

export class UnknownImageError extends ImageError {
  override readonly name = 'UnknownImageError';
  readonly code = 'UNKNOWN_IMAGE' as const;
  constructor(readonly ref: string, readonly known: readonly string[]) {
    super(`unknown image "${ref}"; known images: ${known.length ? known.join(', ') : '(none)'}`);
  }
}

export class AmbiguousImageError extends ImageError {
  override readonly name = 'AmbiguousImageError';
  readonly code = 'AMBIGUOUS_IMAGE' as const;
  constructor(readonly ref: string, readonly matches: readonly string[]) {
    super(`image reference "${ref}" is ambiguous: it matches ${matches.join(', ')}`);
  }
}

/** A manifest (image.json, index.json or an image config) that is not what it must be. */
export class BadManifestError extends ImageError {
  override readonly name = 'BadManifestError';
  readonly code = 'BAD_MANIFEST' as const;
  /**
   * @param where  what was being read, e.g. 'images/hello/image.json' or 'index.json'
   * @param field  the offending field as a path, e.g. 'Entrypoint' or 'files./bin/x.build'
   * @param reason why, as the end of a sentence: 'must be an array of strings'
   */
  constructor(readonly where: string, readonly field: string, readonly reason: string) {
    super(`${where}: ${field ? `${field} ` : ''}${reason}`);
  }
}

/** A layer blob that is not a well-formed tar archive. */
export class BadLayerError extends ImageError {
  override readonly name = 'BadLayerError';
  readonly code = 'BAD_LAYER' as const;
  constructor(message: string) {
    super(message);
  }
}

export class DigestMismatchError extends ImageError {
  override readonly name = 'DigestMismatchError';
  readonly code = 'DIGEST_MISMATCH' as const;
  constructor(readonly path: string, readonly expected: string, readonly actual: string) {
    super(`${path}: content digest is ${actual}, expected ${expected} (the blob is corrupt or was changed)`);
  }
}

/** The image source could not deliver a file (missing, HTTP error, I/O error). */
export class ImageSourceError extends ImageError {
  override readonly name = 'ImageSourceError';
  readonly code = 'IMAGE_SOURCE' as const;
  constructor(readonly path: string, detail: string, options?: { cause?: unknown }) {
    super(`cannot read ${path}: ${detail}`, options);
  }
}

export class InvalidWasmError extends ImageError {
  override readonly name = 'InvalidWasmError';
  readonly code = 'INVALID_WASM' as const;
  /** @param detail the engine's own message (WebAssembly.CompileError), kept verbatim */
  constructor(readonly detail: string, readonly what = 'module', options?: { cause?: unknown }) {
    super(`${what} is not a valid WebAssembly module: ${detail}`, options);
  }
}

export class MissingImportsError extends ImageError {
  override readonly name = 'MissingImportsError';
  readonly code = 'MISSING_IMPORTS' as const;
  /** @param missing 'module.name' of every import the host does not provide */
  constructor(readonly missing: readonly string[], readonly what = 'module') {
    super(`${what} needs imports this runtime does not provide: ${missing.join(', ')}`);
  }
}
