// Compiles C sources to wasm32-wasip1 with @yowasp/clang (LLVM built to
// WebAssembly, installed by npm), so no system toolchain is needed.
// Outputs are cached by the hash of their inputs under build/.cc-cache.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = join(ROOT, 'build', '.cc-cache');
const TOOLCHAIN_ID = 'yowasp-clang-22';

/** YoWASP's virtual file system takes directories as nested objects, not 'dir/file' keys. */
function nestTree(files) {
  const root = {};
  for (const [path, contents] of Object.entries(files)) {
    const parts = path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) dir = dir[part] ??= {};
    dir[parts[parts.length - 1]] = contents;
  }
  return root;
}

/**
 * @param {Record<string, string | Uint8Array>} files  virtual file tree: relative path -> contents
 * @param {string[]} sources  paths (keys of `files`) to compile and link
 * @param {{ flags?: string[], output?: string }} [options]
 * @returns {Promise<Uint8Array>} the linked wasm32-wasip1 module
 */
export async function compileC(files, sources, options = {}) {
  const flags = options.flags ?? [];
  const args = ['clang', '--target=wasm32-wasip1', '-O2', '-Wall', ...flags, ...sources, '-o', 'out.wasm'];
  const hash = createHash('sha256').update(TOOLCHAIN_ID).update(JSON.stringify(args));
  for (const name of Object.keys(files).sort()) hash.update(name).update('\0').update(files[name]).update('\0');
  const key = hash.digest('hex');
  const cached = join(CACHE_DIR, `${key}.wasm`);
  try {
    return new Uint8Array(await readFile(cached));
  } catch {
    // not cached yet
  }
  const { runClang } = await import('@yowasp/clang');
  let stderr = '';
  let out;
  try {
    out = await runClang(args, nestTree(files), {
      stdout: () => {},
      stderr: (bytes) => { if (bytes) stderr += new TextDecoder().decode(bytes); },
    });
  } catch (error) {
    throw new Error(`clang failed for ${sources.join(' ')}:\n${stderr || error}`);
  }
  const wasm = out['out.wasm'];
  if (!wasm) throw new Error(`clang produced no output for ${sources.join(' ')}:\n${stderr}`);
  await mkdir(CACHE_DIR, { recursive: true });
  await writeFile(cached, wasm);
  return wasm;
}
