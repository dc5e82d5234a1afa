// Node-only: images read from a directory (build/images). The only file of
// src/images that imports node:*, so the rest bundles for the browser.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageSourceError } from './errors';
import type { ImageSource } from './ImageSource';

export class NodeImageSource implements ImageSource {
  constructor(readonly dir: string) {}

  async readBytes(path: string): Promise<Uint8Array> {
    const file = join(this.dir, path);
    try {
      const buffer = await readFile(file);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ImageSourceError(file, code === 'ENOENT' ? 'no such file (run `node scripts/build.mjs` to build images)' : String(error), { cause: error });
    }
  }

  async readJson(path: string): Promise<unknown> {
    const text = new TextDecoder().decode(await this.readBytes(path));
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ImageSourceError(join(this.dir, path), `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
}
