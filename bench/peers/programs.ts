// The WASI binaries every runtime of the peer benchmarks runs, byte for byte
// the same: hello, interactive and crash from the built images (build/images), and
// iobench (bench/peers/iobench.c), compiled like the images' programs
// (scripts/wasi-cc.mjs, the image build's flags). Written to
// build/bench/programs/NAME.wasm, which the browser page fetches.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ImageStore } from '../../src/images';
import { NodeImageSource } from '../../src/images/NodeImageSource';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PROGRAMS_DIR = join(ROOT, 'build/bench/programs');

/** Program name → the image and the file it comes from. */
const FROM_IMAGES = { hello: ['hello', '/bin/hello'], interactive: ['interactive', '/bin/interactive'], crash: ['crash', '/bin/crash'] } as const;

export type ProgramName = keyof typeof FROM_IMAGES | 'iobench';
export type Programs = Record<ProgramName, Uint8Array>;

type CompileC = (files: Record<string, string | Uint8Array>, sources: string[], options?: { flags?: string[] }) => Promise<Uint8Array>;

/** Same flags as scripts/build-images.mjs gives every image program. */
const IMAGE_FLAGS = ['-Wextra', '-Wl,--strip-all'];

export async function preparePrograms(): Promise<Programs> {
  const store = new ImageStore(new NodeImageSource(join(ROOT, 'build/images')));
  const programs = {} as Programs;
  for (const [name, [image, path]] of Object.entries(FROM_IMAGES) as [keyof typeof FROM_IMAGES, readonly [string, string]][]) {
    const loaded = await store.get(image);
    const entry = loaded.layers.flatMap((layer) => layer.entries).find((candidate) => candidate.path === path);
    if (!entry?.data) throw new Error(`${path} is missing from the ${image} image: run node scripts/build.mjs`);
    programs[name] = new Uint8Array(entry.data); // a private copy, not a view of the layer's shared buffer
  }
  const source = await readFile(join(ROOT, 'bench/peers/iobench.c'), 'utf8');
  // Imported by URL: the build script is plain .mjs, outside this project's type check.
  const { compileC } = (await import(pathToFileURL(join(ROOT, 'scripts/wasi-cc.mjs')).href)) as { compileC: CompileC };
  programs.iobench = await compileC({ 'iobench.c': source }, ['iobench.c'], { flags: IMAGE_FLAGS });
  await mkdir(PROGRAMS_DIR, { recursive: true });
  for (const [name, bytes] of Object.entries(programs)) await writeFile(join(PROGRAMS_DIR, `${name}.wasm`), bytes);
  return programs;
}

/** Bytes of a module's initial linear memory (its memory section), the floor of what one instance holds. */
export function initialMemoryBytes(bytes: Uint8Array): number {
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const memory = WebAssembly.Module.exports(module).find((entry) => entry.kind === 'memory');
  if (!memory) return 0;
  // The JS API does not expose limits: instantiate with stub imports, never run.
  const imports: WebAssembly.Imports = {};
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.kind === 'function') (imports[entry.module] ??= {})[entry.name] = () => 0;
  }
  const instance = new WebAssembly.Instance(module, imports);
  return (instance.exports[memory.name] as WebAssembly.Memory).buffer.byteLength;
}
