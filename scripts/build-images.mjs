// Builds every images/<name>/image.json into a content-addressed image
// layout under build/images (see src/images/README.md for the format):
//   build/images/index.json                 names -> manifests
//   build/images/blobs/sha256/<hex>         layer tars and config blobs
// The tar writer and manifest validation are the TypeScript ones in
// src/images, bundled here with esbuild so build and loader cannot drift.
// Output is a pure function of the sources: rebuilding without changes
// writes nothing and produces byte-identical files.
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileC } from './wasi-cc.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Flags every program is compiled with (on top of wasi-cc's -O2 -Wall). */
const DEFAULT_FLAGS = ['-Wextra', '-Wl,--strip-all'];

/**
 * Headers shared by every image (images/include/*.h, e.g. flotilla.h): each
 * build sees them at include/ in the compiler's virtual tree and is compiled
 * with -Iinclude, so sources say `#include <flotilla.h>`. They are part of
 * the tree, so they are part of the compile cache key: editing a shared
 * header rebuilds the programs.
 */
const SHARED_INCLUDE = 'include';

async function loadBuildLib() {
  const result = await build({
    entryPoints: [join(ROOT, 'src/images/build-lib.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes via a temporary file and rename, so a concurrent reader never sees half a file. */
async function writeAtomic(path, bytes) {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
}

/** Every regular file under dir (relative paths with '/'), for the compiler's virtual tree. */
async function listFiles(dir, base = dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path, base)));
    else if (entry.isFile()) out.push(relative(base, path).split(sep).join('/'));
  }
  return out.sort();
}

/** The shared headers as virtual-tree entries (include/NAME.h -> text); none when the directory is absent. */
async function sharedHeaders(imagesDir) {
  const dir = join(imagesDir, SHARED_INCLUDE);
  if (!(await exists(dir))) return {};
  const tree = {};
  for (const file of await listFiles(dir)) {
    if (file.endsWith('.h')) tree[`${SHARED_INCLUDE}/${file}`] = await readFile(join(dir, file), 'utf8');
  }
  return tree;
}

async function buildOne(lib, name, imageDir, shared) {
  const where = `images/${name}/image.json`;
  let raw;
  try {
    raw = JSON.parse(await readFile(join(imageDir, 'image.json'), 'utf8'));
  } catch (error) {
    throw new Error(`${where}: cannot read or parse: ${error.message}`);
  }
  const definition = lib.validateImageDefinition(name, raw, where);
  // Only C sources and headers are compiler inputs (tests etc. are not).
  const tree = {};
  for (const file of await listFiles(imageDir)) {
    if (!/\.(c|h)$/.test(file)) continue;
    if (file.startsWith(`${SHARED_INCLUDE}/`)) {
      throw new Error(`images/${name}/${file}: ${SHARED_INCLUDE}/ is reserved for the shared headers of images/${SHARED_INCLUDE}/`);
    }
    tree[file] = await readFile(join(imageDir, file), 'utf8');
  }
  Object.assign(tree, shared);
  const contents = new Map();
  for (const [path, spec] of definition.files) {
    if (spec.kind === 'build') {
      const missing = spec.sources.filter((source) => !(source in tree));
      if (missing.length) throw new Error(`${where}: files.${path}.build: no such source ${missing.join(', ')} in images/${name}/`);
      let wasm;
      try {
        wasm = await compileC(tree, spec.sources, { flags: [`-I${SHARED_INCLUDE}`, ...DEFAULT_FLAGS, ...spec.flags] });
      } catch (error) {
        throw new Error(`image "${name}": building ${path} failed: ${error.message}`);
      }
      const module = await WebAssembly.compile(wasm);
      if (!WebAssembly.Module.exports(module).some((item) => item.name === '_start')) {
        throw new Error(`image "${name}": ${path} is not a WASI command (it exports no _start)`);
      }
      contents.set(path, wasm);
    } else if (spec.kind === 'copy') {
      try {
        contents.set(path, new Uint8Array(await readFile(join(imageDir, spec.from))));
      } catch (error) {
        throw new Error(`${where}: files.${path}.copy: ${error.message}`);
      }
    }
  }
  return lib.assembleImage(definition, contents);
}

/**
 * @param {{ quiet?: boolean, imagesDir?: string, outDir?: string }} [options]
 * @returns {Promise<{ images: Array<{ name: string, id: string, size: number }>, written: number }>}
 */
export async function buildImages({ quiet = false, imagesDir = join(ROOT, 'images'), outDir = join(ROOT, 'build', 'images') } = {}) {
  const lib = await loadBuildLib();
  const names = [];
  for (const entry of await readdir(imagesDir, { withFileTypes: true })) {
    if (entry.isDirectory() && (await exists(join(imagesDir, entry.name, 'image.json')))) names.push(entry.name);
  }
  names.sort();
  const shared = await sharedHeaders(imagesDir);
  const built = [];
  for (const name of names) built.push(await buildOne(lib, name, join(imagesDir, name), shared));

  let written = 0;
  const blobsDir = join(outDir, 'blobs', 'sha256');
  const referenced = new Set();
  for (const image of built) {
    const blobs = [[image.manifest.config.digest, image.config], [image.manifest.layers[0].digest, image.layer]];
    for (const [digest, bytes] of blobs) {
      const hex = digest.slice('sha256:'.length);
      referenced.add(hex);
      // Content addressed: an existing blob of that name has these bytes.
      const path = join(blobsDir, hex);
      if (await exists(path)) continue;
      await writeAtomic(path, bytes);
      written++;
    }
  }
  const index = lib.serializeIndex(built);
  const indexPath = join(outDir, 'index.json');
  const previous = await readFile(indexPath).catch(() => undefined);
  if (!previous || !Buffer.from(index).equals(previous)) {
    await writeAtomic(indexPath, index);
    written++;
  }
  // Drop blobs no image refers to any more (old builds), but not the
  // temporary files of a build running concurrently.
  for (const file of await readdir(blobsDir).catch(() => [])) {
    if (/^[0-9a-f]{64}$/.test(file) && !referenced.has(file)) await rm(join(blobsDir, file), { force: true });
  }
  const images = built.map((image) => ({
    name: image.name, id: image.manifest.config.digest, size: image.manifest.layers[0].size,
  }));
  if (!quiet) {
    for (const image of images) console.log(`  ${image.name.padEnd(12)} ${image.id.slice(7, 19)}  ${image.size} bytes`);
    console.log(`images: ${images.length} in ${relative(process.cwd(), outDir) || '.'}, ${written} file(s) written`);
  }
  return { images, written };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await buildImages();
  } catch (error) {
    console.error(`build-images: ${error.message}`);
    process.exitCode = 1;
  }
}
