// The real build: scripts/build-images.mjs over images/ (already run by the
// global setup) and over scratch image directories.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './digest';
import { validateIndex } from './manifest';

const ROOT = resolve(__dirname, '../..');
const BUILD = join(ROOT, 'build/images');

interface BuildResult { images: Array<{ name: string; id: string; size: number }>; written: number }
type BuildImages = (options: { quiet?: boolean; imagesDir?: string; outDir?: string }) => Promise<BuildResult>;

async function loadBuild(): Promise<BuildImages> {
  const url = pathToFileURL(join(ROOT, 'scripts/build-images.mjs')).href;
  return ((await import(/* @vite-ignore */ url)) as { buildImages: BuildImages }).buildImages;
}

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub))) {
      const path = join(sub, name);
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else files.set(path, readFileSync(join(dir, path)).toString('base64'));
    }
  };
  walk('');
  return files;
}

describe('build/images (real build output)', () => {
  it('has an index of every image with content-addressed blobs', async () => {
    const raw = JSON.parse(readFileSync(join(BUILD, 'index.json'), 'utf8'));
    expect(Object.keys(raw)).toEqual(['schemaVersion', 'images']);
    const index = validateIndex(raw);
    // Every images/<name>/image.json is built, and nothing else.
    const defined = readdirSync(join(ROOT, 'images')).filter((name) => existsSync(join(ROOT, 'images', name, 'image.json'))).sort();
    expect(defined).toEqual(expect.arrayContaining(['base', 'crash', 'fileio', 'hello', 'interactive', 'ruby']));
    expect(index.images.map((image) => image.name)).toEqual(defined);
    for (const { manifest } of index.images) {
      expect(manifest.layers).toHaveLength(1);
      for (const descriptor of [manifest.config, ...manifest.layers]) {
        const bytes = readFileSync(join(BUILD, 'blobs/sha256', descriptor.digest.slice(7)));
        expect(bytes.length).toBe(descriptor.size);
        expect(`sha256:${await sha256Hex(new Uint8Array(bytes))}`).toBe(descriptor.digest);
      }
    }
    const blobs = readdirSync(join(BUILD, 'blobs/sha256')).filter((name) => /^[0-9a-f]{64}$/.test(name));
    expect(blobs).toHaveLength(index.images.length * 2);
  });

  it('rebuilds byte-identically, writing nothing, quickly', async () => {
    const buildImages = await loadBuild();
    const before = snapshot(BUILD);
    const started = Date.now();
    const result = await buildImages({ quiet: true });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.written).toBe(0);
    expect(snapshot(BUILD)).toEqual(before);
  });
});

describe('buildImages on scratch directories', () => {
  /** images/<name>/<file> for every image (and images/include/<file> under the name 'include'). */
  function scratch(images: Record<string, Record<string, string>>): { imagesDir: string; outDir: string } {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-images-'));
    for (const [name, files] of Object.entries(images)) {
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, 'images', name, file)), { recursive: true });
        writeFileSync(join(dir, 'images', name, file), text);
      }
    }
    return { imagesDir: join(dir, 'images'), outDir: join(dir, 'out') };
  }

  it('fails naming the image and the field of a bad image.json', async () => {
    const buildImages = await loadBuild();
    const dirs = scratch({ broken: { 'image.json': JSON.stringify({ Entrypoint: 'x', files: {} }) } });
    await expect(buildImages({ quiet: true, ...dirs })).rejects.toThrow('images/broken/image.json: Entrypoint must be an array of strings');
  });

  it('fails on unparsable JSON and on missing sources', async () => {
    const buildImages = await loadBuild();
    await expect(buildImages({ quiet: true, ...scratch({ a: { 'image.json': '{' } }) })).rejects.toThrow(/images\/a\/image.json: cannot read or parse/);
    const missing = scratch({ b: { 'image.json': JSON.stringify({ Entrypoint: ['/bin/b'], files: { '/bin/b': { build: ['b.c'] } } }) } });
    await expect(buildImages({ quiet: true, ...missing })).rejects.toThrow('images/b/image.json: files./bin/b.build: no such source b.c in images/b/');
  });

  it('reports compiler errors with the image and path', async () => {
    const buildImages = await loadBuild();
    const dirs = scratch({ c: { 'image.json': JSON.stringify({ Entrypoint: ['/bin/c'], files: { '/bin/c': { build: ['c.c'] } } }), 'c.c': 'int main(void) { return nope; }\n' } });
    await expect(buildImages({ quiet: true, ...dirs })).rejects.toThrow(/image "c": building \/bin\/c failed:[\s\S]*nope/);
  });

  it('puts images/include/*.h on every build\'s include path, and rebuilds when one changes', async () => {
    const buildImages = await loadBuild();
    const image = {
      'image.json': JSON.stringify({ Entrypoint: ['/bin/v'], files: { '/bin/v': { build: ['v.c'] } } }),
      'v.c': '#include <version.h>\nint main(void) { return VERSION; }\n',
    };
    const one = scratch({ include: { 'version.h': '#define VERSION 1\n' }, v: image });
    const two = scratch({ include: { 'version.h': '#define VERSION 2\n' }, v: image });
    const [first, second] = [await buildImages({ quiet: true, ...one }), await buildImages({ quiet: true, ...two })];
    // The header is an input of the compile (and of its cache key): another header, another program.
    expect(first.images.map((built) => built.name)).toEqual(['v']);
    expect(second.images[0]!.id).not.toBe(first.images[0]!.id);
    // Rebuilding with the same header is byte-identical.
    expect((await buildImages({ quiet: true, ...one })).images[0]!.id).toBe(first.images[0]!.id);
  });

  it('refuses an image directory that has its own include/ headers (the name is the shared one\'s)', async () => {
    const buildImages = await loadBuild();
    const dirs = scratch({
      w: {
        'image.json': JSON.stringify({ Entrypoint: ['/bin/w'], files: { '/bin/w': { build: ['w.c'] } } }),
        'w.c': 'int main(void) { return 0; }\n',
        'include/w.h': '\n',
      },
    });
    await expect(buildImages({ quiet: true, ...dirs })).rejects.toThrow('images/w/include/w.h: include/ is reserved for the shared headers of images/include/');
  });
});
