// Where image files come from. The store only ever asks for 'index.json' and
// 'blobs/sha256/<hex>' relative to an image root, so the same loading code
// runs against a web server (browser) and a directory (Node: see
// NodeImageSource.ts, kept separate because it imports node:fs).
import { ImageSourceError } from './errors';

export interface ImageSource {
  /** Parsed JSON of the file at `path` (relative to the image root). */
  readJson(path: string): Promise<unknown>;
  /** Bytes of the file at `path` (relative to the image root). */
  readBytes(path: string): Promise<Uint8Array>;
}

/** Images served over HTTP, e.g. `new HttpImageSource('/images/')` in the playground. */
export class HttpImageSource implements ImageSource {
  private readonly base: string;

  constructor(baseUrl: string | URL, private readonly fetchFn: typeof fetch = globalThis.fetch.bind(globalThis)) {
    const text = String(baseUrl);
    this.base = text.endsWith('/') ? text : `${text}/`;
  }

  private async get(path: string): Promise<Response> {
    const url = new URL(path, new URL(this.base, globalThis.location?.href ?? 'http://localhost/')).href;
    let response: Response;
    try {
      response = await this.fetchFn(url);
    } catch (error) {
      throw new ImageSourceError(url, error instanceof Error ? error.message : String(error), { cause: error });
    }
    if (!response.ok) throw new ImageSourceError(url, `HTTP ${response.status} ${response.statusText}`.trim());
    return response;
  }

  async readJson(path: string): Promise<unknown> {
    const response = await this.get(path);
    try {
      return JSON.parse(await response.text());
    } catch (error) {
      throw new ImageSourceError(response.url || path, `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }

  async readBytes(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.get(path)).arrayBuffer());
  }
}

/** An in-memory source (tests, or images built in the page). */
export class MemoryImageSource implements ImageSource {
  constructor(readonly files: Map<string, Uint8Array> = new Map()) {}

  async readJson(path: string): Promise<unknown> {
    const text = new TextDecoder().decode(await this.readBytes(path));
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ImageSourceError(path, `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const bytes = this.files.get(path);
    if (!bytes) throw new ImageSourceError(path, 'no such file');
    return bytes;
  }
}
