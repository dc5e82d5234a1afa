import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobPath, digestOf } from './digest';
import { AmbiguousImageError, BadManifestError, DigestMismatchError, ImageSourceError, UnknownImageError } from './errors';
import { HttpImageSource, MemoryImageSource, type ImageSource } from './ImageSource';
import { ImageStore, imageInfo } from './ImageStore';
import { NodeImageSource } from './NodeImageSource';

const BUILD = resolve(__dirname, '../../build/images');

/** A copy of the real build output in memory, so tests can corrupt it. */
async function memoryCopy(): Promise<MemoryImageSource> {
  const node = new NodeImageSource(BUILD);
  const files = new Map<string, Uint8Array>();
  files.set('index.json', await node.readBytes('index.json'));
  const index = (await node.readJson('index.json')) as { images: Array<{ manifest: { config: { digest: string }; layers: Array<{ digest: string }> } }> };
  for (const image of index.images) {
    for (const { digest } of [image.manifest.config, ...image.manifest.layers]) files.set(blobPath(digest), await node.readBytes(blobPath(digest)));
  }
  return new MemoryImageSource(files);
}

describe('ImageStore over the real build (NodeImageSource)', () => {
  const store = new ImageStore(new NodeImageSource(BUILD));

  it('lists the built images with ids and sizes', async () => {
    const list = await store.list();
    expect(list.map((image) => image.name)).toEqual(expect.arrayContaining(['hello']));
    for (const image of list) {
      expect(image.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(image.size).toBeGreaterThan(0);
    }
  });

  it('loads hello: config, layers over one shared buffer, files', async () => {
    const image = await store.get('hello');
    expect(image.name).toBe('hello');
    expect(image.config.Entrypoint).toEqual(['/bin/hello']);
    expect(image.config.WorkingDir).toBe('/');
    expect(image.ociConfig.architecture).toBe('wasm32');
    expect(image.ociConfig.os).toBe('wasip1');
    expect(image.layers).toHaveLength(1);
    const layer = image.layers[0]!;
    expect(layer.digest).toBe(image.manifest.layers[0]!.digest);
    expect(layer.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    const paths = layer.entries.map((entry) => entry.path);
    expect(paths).toEqual(expect.arrayContaining(['/bin', '/bin/hello', '/etc', '/tmp', '/etc/motd']));
    const hello = layer.entries.find((entry) => entry.path === '/bin/hello')!;
    expect(hello.kind).toBe('file');
    expect(hello.mode).toBe(0o755);
    expect(hello.data!.buffer).toBe(layer.bytes.buffer);
    expect([...hello.data!.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"
    expect(layer.entries.find((entry) => entry.path === '/tmp')!.mode).toBe(0o1777);
    expect(hello.mtimeNs).toBe(BigInt(Date.parse(image.ociConfig.created!)) * 1_000_000n);
    expect(image.files).toContain('/bin/hello');
    expect(image.files).not.toContain('/bin');
    expect(image.size).toBe(layer.size);
    // The image id is the digest of the config blob.
    expect(image.id).toBe(await digestOf(await store.source.readBytes(blobPath(image.id))));
  });

  it('resolves names, :latest, full ids and id prefixes to the same cached image', async () => {
    const image = await store.get('hello');
    expect(await store.get('hello:latest')).toBe(image);
    expect(await store.get(image.id)).toBe(image);
    expect(await store.get(image.id.slice(7, 19))).toBe(image);
    expect(await store.get(image.id.slice(0, 19))).toBe(image);
  });

  it('maps to the API ImageInfo', async () => {
    const info = imageInfo(await store.get('hello'));
    expect(info).toMatchObject({ name: 'hello', entrypoint: ['/bin/hello'], workdir: '/' });
    expect(info.files).toContain('/bin/hello');
  });

  it('rejects unknown images listing the known ones', async () => {
    const error = await store.get('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownImageError);
    expect((error as UnknownImageError).code).toBe('UNKNOWN_IMAGE');
    expect((error as Error).message).toMatch(/^unknown image "nope"; known images: .*hello/);
  });

  it('reports a missing build directory as an ImageSourceError', async () => {
    const error = await new ImageStore(new NodeImageSource('/nonexistent')).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageSourceError);
    expect((error as ImageSourceError).code).toBe('IMAGE_SOURCE');
  });
});

describe('ImageStore failure paths', () => {
  async function helloDigests(source: ImageSource) {
    const index = (await source.readJson('index.json')) as { images: Array<{ name: string; manifest: { config: { digest: string }; layers: Array<{ digest: string }> } }> };
    const hello = index.images.find((image) => image.name === 'hello')!;
    return { config: hello.manifest.config.digest, layer: hello.manifest.layers[0]!.digest };
  }

  it('detects a corrupted layer blob', async () => {
    const source = await memoryCopy();
    const { layer } = await helloDigests(source);
    const bytes = source.files.get(blobPath(layer))!.slice();
    bytes[600] ^= 0xff;
    source.files.set(blobPath(layer), bytes);
    const error = await new ImageStore(source).get('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).code).toBe('DIGEST_MISMATCH');
    expect((error as Error).message).toContain(`expected ${layer}`);
  });

  it('detects a corrupted config blob', async () => {
    const source = await memoryCopy();
    const { config } = await helloDigests(source);
    source.files.set(blobPath(config), new TextEncoder().encode('{}'));
    const error = await new ImageStore(source).get('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).expected).toBe(config);
  });

  it('rejects a config blob with a bad field (correctly addressed)', async () => {
    const source = await memoryCopy();
    const { config } = await helloDigests(source);
    const parsed = JSON.parse(new TextDecoder().decode(source.files.get(blobPath(config))!));
    parsed.config.Entrypoint = '/bin/hello';
    const bytes = new TextEncoder().encode(JSON.stringify(parsed));
    const digest = await digestOf(bytes);
    source.files.set(blobPath(digest), bytes);
    const index = JSON.parse(new TextDecoder().decode(source.files.get('index.json')!));
    const entry = index.images.find((image: { name: string }) => image.name === 'hello');
    entry.manifest.config = { ...entry.manifest.config, digest, size: bytes.length };
    source.files.set('index.json', new TextEncoder().encode(JSON.stringify(index)));
    const error = await new ImageStore(source).get(digest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadManifestError);
    expect((error as BadManifestError).code).toBe('BAD_MANIFEST');
    expect((error as BadManifestError).field).toBe('config.Entrypoint');
    expect((error as Error).message).toMatch(/config\.Entrypoint must be an array of strings$/);
  });

  it('rejects a malformed index.json naming the field', async () => {
    const source = new MemoryImageSource(new Map([['index.json', new TextEncoder().encode('{"schemaVersion":2,"images":[{"name":"x","manifest":{"schemaVersion":2,"config":{"digest":"sha256:zz","size":1},"layers":[]}}]}')]]));
    const error = await new ImageStore(source).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadManifestError);
    expect((error as Error).message).toBe('index.json: images[0].manifest.config.digest must be "sha256:" followed by 64 lowercase hex digits');
  });

  it('refuses an ambiguous id prefix', async () => {
    const source = await memoryCopy();
    const raw = JSON.parse(new TextDecoder().decode(source.files.get('index.json')!));
    const other = structuredClone(raw.images[0]);
    other.name = 'other';
    other.manifest.config.digest = `sha256:${raw.images[0].manifest.config.digest.slice(7, 10)}${'0'.repeat(61)}`;
    raw.images.push(other);
    source.files.set('index.json', new TextEncoder().encode(JSON.stringify(raw)));
    const prefix = raw.images[0].manifest.config.digest.slice(7, 10);
    const error = await new ImageStore(source).get(prefix).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousImageError);
    expect((error as Error).message).toContain('is ambiguous');
  });
});

describe('HttpImageSource', () => {
  // A fetch that serves the build directory, as a static web server would.
  const fetchFromBuild = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    if (!url.pathname.startsWith('/images/')) return new Response('not found', { status: 404, statusText: 'Not Found' });
    try {
      const bytes = await new NodeImageSource(BUILD).readBytes(url.pathname.slice('/images/'.length));
      return new Response(bytes.slice());
    } catch {
      return new Response('not found', { status: 404, statusText: 'Not Found' });
    }
  }) as typeof fetch;

  it('loads the same image as NodeImageSource', async () => {
    const overHttp = await new ImageStore(new HttpImageSource('http://localhost:5173/images', fetchFromBuild)).get('hello');
    const fromDisk = await new ImageStore(new NodeImageSource(BUILD)).get('hello');
    expect(overHttp.id).toBe(fromDisk.id);
    expect(overHttp.layers[0]!.entries.map((entry) => entry.path)).toEqual(fromDisk.layers[0]!.entries.map((entry) => entry.path));
  });

  it('reports HTTP errors as ImageSourceError', async () => {
    const error = await new ImageStore(new HttpImageSource('http://localhost:5173/elsewhere/', fetchFromBuild)).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageSourceError);
    expect((error as Error).message).toBe('cannot read http://localhost:5173/elsewhere/index.json: HTTP 404 Not Found');
  });
});
