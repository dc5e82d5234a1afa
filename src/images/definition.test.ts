import { describe, expect, it } from 'vitest';
import { assembleImage, serializeIndex, validateImageDefinition } from './definition';
import { digestOf } from './digest';
import { BadManifestError } from './errors';
import { layerEntriesFromTar } from './layer';
import { validateIndex, validateOciConfig } from './manifest';

const BASE = {
  Entrypoint: ['/bin/app'],
  Env: ['PATH=/bin'],
  created: '2025-01-01T00:00:00Z',
  files: { '/bin/app': { build: ['app.c'] } },
};

function badField(raw: unknown): BadManifestError {
  try {
    validateImageDefinition('app', raw);
  } catch (error) {
    expect(error).toBeInstanceOf(BadManifestError);
    expect((error as BadManifestError).code).toBe('BAD_MANIFEST');
    return error as BadManifestError;
  }
  throw new Error('expected a BadManifestError');
}

describe('validateImageDefinition (image.json at build time)', () => {
  it('accepts a definition and fills defaults', () => {
    const definition = validateImageDefinition('app', { ...BASE, ExposedPorts: { '8080': {} } });
    expect(definition.config).toEqual({
      Entrypoint: ['/bin/app'], Cmd: [], Env: ['PATH=/bin'], WorkingDir: '/', ExposedPorts: { '8080/tcp': {} }, Labels: {},
    });
    expect(definition.files.get('/bin/app')).toEqual({ kind: 'build', sources: ['app.c'], flags: [], mode: 0o755 });
  });

  it.each([
    [{ ...BASE, Entrypoint: '/bin/app' }, 'Entrypoint', 'images/app/image.json: Entrypoint must be an array of strings'],
    [{ ...BASE, Cmd: [1] }, 'Cmd', 'images/app/image.json: Cmd must be an array of strings'],
    [{ ...BASE, Entrypoint: [], Cmd: [] }, 'Entrypoint', 'images/app/image.json: Entrypoint must name a program (or Cmd must be non-empty)'],
    [{ ...BASE, Env: ['NOEQUALS'] }, 'Env[0]', 'images/app/image.json: Env[0] must be KEY=VALUE, got "NOEQUALS"'],
    [{ ...BASE, WorkingDir: 'rel' }, 'WorkingDir', 'images/app/image.json: WorkingDir must be an absolute path, got "rel"'],
    [{ ...BASE, ExposedPorts: { '99999/tcp': {} } }, 'ExposedPorts.99999/tcp', undefined],
    [{ ...BASE, Labels: { a: 1 } }, 'Labels.a', 'images/app/image.json: Labels.a must be a string'],
    [{ ...BASE, Entrypiont: [] }, 'Entrypiont', undefined],
    [{ ...BASE, created: 'yesterday' }, 'created', undefined],
    [{ ...BASE, files: undefined }, 'files', 'images/app/image.json: files must be an object'],
    [{ ...BASE, files: { 'bin/app': { build: ['app.c'] } } }, 'files.bin/app', undefined],
    [{ ...BASE, files: { '/bin/app': { build: ['../app.c'] } } }, 'files./bin/app.build', undefined],
    [{ ...BASE, files: { '/bin/app': { build: ['app.c'], text: 'x' } } }, 'files./bin/app', undefined],
    [{ ...BASE, files: { '/bin/app': { build: ['app.c'], mode: 755 } } }, 'files./bin/app.mode', undefined],
    [{ ...BASE, files: { ...BASE.files, '/x': { hardlink: '/nope' } } }, 'files./x.hardlink', undefined],
    [{ ...BASE, files: { ...BASE.files, '/bin/app/x': { text: '' } } }, 'files./bin/app/x', undefined],
    [{ ...BASE, files: { '/etc/motd': { text: 'hi' } } }, 'Entrypoint', undefined],
  ])('rejects %j naming field %s', (raw, field, message) => {
    const error = badField(raw);
    expect(error.field).toBe(field);
    expect(error.where).toBe('images/app/image.json');
    if (message) expect(error.message).toBe(message);
  });

  it('rejects bad image names', () => {
    expect(() => validateImageDefinition('Bad Name', BASE)).toThrow(/image name "Bad Name" must match/);
  });
});

describe('assembleImage', () => {
  const contents = new Map([['/bin/app', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])]]);
  const definition = validateImageDefinition('app', {
    ...BASE,
    files: {
      ...BASE.files,
      '/etc/motd': { text: 'hi\n' },
      '/etc/motd.link': { symlink: 'motd' },
      '/bin/alias': { hardlink: '/bin/app' },
      '/var/lib/data': { directory: true, mode: '0700' },
    },
  });

  it('is deterministic and content addressed', async () => {
    const a = await assembleImage(definition, contents);
    const b = await assembleImage(definition, contents);
    expect(a.layer).toEqual(b.layer);
    expect(a.config).toEqual(b.config);
    expect(a.manifest).toEqual(b.manifest);
    expect(a.manifest.layers[0]).toEqual({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: await digestOf(a.layer), size: a.layer.length });
    expect(a.manifest.config).toEqual({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: await digestOf(a.config), size: a.config.length });
  });

  it('writes an OCI config naming the layer as diff_id', async () => {
    const image = await assembleImage(definition, contents);
    const config = validateOciConfig(JSON.parse(new TextDecoder().decode(image.config)), 'config');
    expect(config).toMatchObject({ architecture: 'wasm32', os: 'wasip1', created: '2025-01-01T00:00:00Z' });
    expect(config.rootfs.diff_ids).toEqual([image.manifest.layers[0]!.digest]);
    expect(config.config.Entrypoint).toEqual(['/bin/app']);
    expect(config.history).toHaveLength(1);
  });

  it('lays out a minimal rootfs with parents, modes, fixed mtime; hard links last', async () => {
    const entries = layerEntriesFromTar((await assembleImage(definition, contents)).layer);
    expect(entries.map((entry) => entry.path)).toEqual([
      '/bin', '/bin/app', '/etc', '/etc/motd', '/etc/motd.link', '/home', '/tmp', '/var', '/var/lib', '/var/lib/data', '/bin/alias',
    ]);
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    expect(byPath.get('/tmp')!.mode).toBe(0o1777);
    expect(byPath.get('/var/lib/data')!.mode).toBe(0o700);
    expect(byPath.get('/bin/alias')).toMatchObject({ kind: 'file', linkTo: '/bin/app' });
    expect(new Set(entries.map((entry) => entry.mtimeNs))).toEqual(new Set([1735689600n * 1_000_000_000n]));
  });

  it('serialises an index that validates, sorted by name', async () => {
    const image = await assembleImage(definition, contents);
    const bytes = serializeIndex([{ name: 'zed', manifest: image.manifest }, { name: 'app', manifest: image.manifest }]);
    const index = validateIndex(JSON.parse(new TextDecoder().decode(bytes)));
    expect(index.images.map((entry) => entry.name)).toEqual(['app', 'zed']);
    expect(index.images[0]!.manifest).toEqual(image.manifest);
  });
});
