// Content addressing: every blob is named by the sha256 of its bytes. Uses
// WebCrypto (crypto.subtle), which browsers and Node >= 20 both provide, so
// the same code verifies blobs in either place.

const HEX = /^[0-9a-f]{64}$/;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // subtle.digest rejects views over a SharedArrayBuffer in some engines, so
  // such input is copied; blobs are hashed before they are shared anyway.
  const input = bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', input as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of hash) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** 'sha256:<hex>' of the bytes. */
export async function digestOf(bytes: Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(bytes)}`;
}

/** True for a well-formed 'sha256:<64 lowercase hex>' digest. */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('sha256:') && HEX.test(value.slice(7));
}

/** The path of a blob inside an image layout: 'blobs/sha256/<hex>'. */
export function blobPath(digest: string): string {
  if (!isDigest(digest)) throw new TypeError(`not a sha256 digest: ${digest}`);
  return `blobs/sha256/${digest.slice(7)}`;
}
