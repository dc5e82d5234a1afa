// rt.fetch: the page as an HTTP/1.1 client of a container. The request
// goes over a connection of the container network (the page's end of a
// NetArena stream), so what a container serves to other containers is
// exactly what the page gets. One request per connection (Connection:
// close); the response body is read whole (Content-Length, chunked, or up
// to the end of the stream).

import { HOST_DOORBELL, NetError, WOULD_BLOCK, type NetArena, type StreamEnd } from '../../net';

const WAIT_SLICE_MS = 250;
const MAX_HEADER_BYTES = 64 * 1024;

export async function fetchOverStream(arena: NetArena, end: StreamEnd, request: Request, host: string): Promise<Response> {
  const url = new URL(request.url);
  const body = request.method === 'GET' || request.method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(await request.arrayBuffer());
  const lines = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${host}`];
  request.headers.forEach((value, name) => {
    if (!['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) lines.push(`${name}: ${value}`);
  });
  if (body.length > 0 || !['GET', 'HEAD'].includes(request.method)) lines.push(`Content-Length: ${body.length}`);
  lines.push('Connection: close', '', '');
  const head = new TextEncoder().encode(lines.join('\r\n'));
  const signal = request.signal;

  const waitForChange = async (seen: number): Promise<void> => {
    if (signal.aborted) throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
    await arena.waitAsync(HOST_DOORBELL, seen, WAIT_SLICE_MS);
  };

  for (const chunk of [head, body]) {
    for (let offset = 0; offset < chunk.length;) {
      const seen = arena.doorbell(HOST_DOORBELL);
      const written = end.tryWrite(chunk.subarray(offset));
      if (written === WOULD_BLOCK) await waitForChange(seen);
      else offset += written;
    }
  }

  const parser = new ResponseParser(request.method === 'HEAD');
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const seen = arena.doorbell(HOST_DOORBELL);
    const count = end.tryRead(buffer);
    if (count === WOULD_BLOCK) {
      await waitForChange(seen);
      continue;
    }
    if (count === 0) break;
    if (parser.push(buffer.subarray(0, count))) break;
  }
  return parser.finish();
}

/** Parses one HTTP/1.1 response as its bytes arrive. */
class ResponseParser {
  private _buffer = new Uint8Array(16 * 1024);
  private _length = 0;
  private _head: { status: number; statusText: string; headers: [string, string][]; bodyStart: number } | undefined;

  constructor(private readonly _noBody: boolean) {}

  /** Adds bytes; true once the whole response is in. */
  push(chunk: Uint8Array): boolean {
    if (this._length + chunk.length > this._buffer.length) {
      const grown = new Uint8Array(Math.max(this._buffer.length * 2, this._length + chunk.length));
      grown.set(this._bytes);
      this._buffer = grown;
    }
    this._buffer.set(chunk, this._length);
    this._length += chunk.length;
    if (!this._head) this._head = this._parseHead();
    return this._head !== undefined && this._bodyIfComplete() !== undefined;
  }

  /** The Response; at end of stream a close-delimited body ends here. */
  finish(): Response {
    const head = this._head ?? this._parseHead();
    if (!head) throw new NetError('ECONNRESET', 'the container closed the connection before sending a response');
    const body = this._bodyIfComplete() ?? this._closeDelimitedBody();
    const headers = new Headers();
    for (const [name, value] of head.headers) {
      try {
        headers.append(name, value);
      } catch {
        // a header the Fetch API cannot carry is left out
      }
    }
    const nullBody = this._noBody || head.status === 204 || head.status === 304;
    return new Response(nullBody ? null : (body as Uint8Array<ArrayBuffer>), { status: head.status, statusText: head.statusText, headers });
  }

  private get _bytes(): Uint8Array {
    return this._buffer.subarray(0, this._length);
  }

  private _parseHead(): ResponseParser['_head'] {
    const end = indexOf(this._bytes, [13, 10, 13, 10]);
    if (end < 0) {
      if (this._bytes.length > MAX_HEADER_BYTES) throw new NetError('ECONNRESET', 'the response header is too large');
      return undefined;
    }
    const text = new TextDecoder('latin1').decode(this._bytes.subarray(0, end));
    const [statusLine, ...headerLines] = text.split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine ?? '');
    if (!match) throw new NetError('ECONNRESET', `not an HTTP response: ${JSON.stringify(statusLine?.slice(0, 80))}`);
    const status = Number(match[1]);
    if (status < 200 || status > 599) throw new NetError('ECONNRESET', `unsupported HTTP status ${status}`);
    const headers = headerLines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return colon < 0 ? [line.trim(), ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    }).filter(([name]) => name.length > 0);
    return { status, statusText: match[2] ?? '', headers, bodyStart: end + 4 };
  }

  private _header(name: string): string | undefined {
    return this._head?.headers.find(([key]) => key.toLowerCase() === name)?.[1];
  }

  /** The body when it is complete by its own framing, else undefined. */
  private _bodyIfComplete(): Uint8Array | undefined {
    const head = this._head!;
    const rest = this._bytes.subarray(head.bodyStart);
    if (this._noBody || head.status === 204 || head.status === 304) return new Uint8Array(0);
    if (this._header('transfer-encoding')?.toLowerCase().includes('chunked')) return decodeChunked(rest);
    const length = this._header('content-length');
    if (length !== undefined) {
      const size = Number(length);
      if (!Number.isInteger(size) || size < 0) throw new NetError('ECONNRESET', `bad Content-Length ${JSON.stringify(length)}`);
      return rest.length >= size ? rest.slice(0, size) : undefined;
    }
    return undefined;
  }

  private _closeDelimitedBody(): Uint8Array {
    if (this._header('content-length') !== undefined || this._header('transfer-encoding')) {
      throw new NetError('ECONNRESET', 'the container closed the connection in the middle of the response body');
    }
    return this._bytes.slice(this._head!.bodyStart);
  }
}

/** A chunked body when its last chunk is in, else undefined. */
function decodeChunked(bytes: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = indexOf(bytes, [13, 10], at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(new TextDecoder('latin1').decode(bytes.subarray(at, lineEnd)).split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw new NetError('ECONNRESET', 'bad chunk size in the response');
    at = lineEnd + 2;
    if (size === 0) break;
    if (bytes.length < at + size + 2) return undefined;
    parts.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
  const body = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  return body;
}

function indexOf(haystack: Uint8Array, needle: readonly number[], from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
