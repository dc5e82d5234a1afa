// exec(): what a path in the container names. A WASI module (compiled once
// per file version and reused), Flotilla's built-in shell (a file starting
// with `#!flotilla:sh`), or another image's program (`#!flotilla:program
// NAME`, e.g. ruby, whose module the supervisor compiles once per tab).

import type { ContainerFs } from '../../fs/ContainerFs';
import { ShellHostError } from '../../shell/host';

export type Program =
  | { readonly kind: 'shell' }
  | { readonly kind: 'wasm'; readonly module: WebAssembly.Module; readonly driver?: 'ruby' };

/** Loads another image's program (from the supervisor's module cache). */
export type ImageProgramLoader = (image: string) => Promise<{ module: WebAssembly.Module; driver?: 'ruby' }>;

/** Compiles a program's bytes (the supervisor instruments, caps and caches them: KernelServices.compileProgram); rejects to refuse them. */
export type ProgramCompiler = (bytes: Uint8Array) => Promise<WebAssembly.Module>;

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const SHELL_MARKER = '#!flotilla:sh';
const PROGRAM_MARKER = '#!flotilla:program ';

export class ProgramLoader {
  private readonly _modules = new Map<string, Promise<WebAssembly.Module>>();

  constructor(private readonly _fs: ContainerFs, private readonly _images: ImageProgramLoader, private readonly _compile: ProgramCompiler = (bytes) => WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>)) {}

  async load(path: string): Promise<Program> {
    const node = this._fs.lookupPath(path);
    if (!node) throw new ShellHostError('ENOENT', `${path}: No such file or directory`);
    if (node.kind === 'directory') throw new ShellHostError('EACCES', `${path}: Is a directory`);
    if (node.kind !== 'file') throw new ShellHostError('ENOEXEC', `${path}: not a regular file`);
    const head = new Uint8Array(Math.min(node.size(), 256));
    node.read(head, 0);
    if (WASM_MAGIC.every((byte, i) => head[i] === byte)) {
      const stat = node.stat();
      const key = `${path}:${stat.ino}:${stat.mtimeNs}:${stat.size}`;
      let module = this._modules.get(key);
      if (!module) {
        const bytes = new Uint8Array(node.size());
        node.read(bytes, 0);
        module = this._compile(bytes).catch((error: unknown) => {
          this._modules.delete(key);
          throw new ShellHostError('ENOEXEC', `${path}: cannot execute: ${error instanceof Error ? error.message : String(error)}`);
        });
        this._modules.set(key, module);
      }
      return { kind: 'wasm', module: await module };
    }
    const firstLine = new TextDecoder().decode(head).split('\n')[0]!.trimEnd();
    if (firstLine === SHELL_MARKER) return { kind: 'shell' };
    if (firstLine.startsWith(PROGRAM_MARKER)) {
      const image = firstLine.slice(PROGRAM_MARKER.length).trim();
      try {
        return { kind: 'wasm', ...(await this._images(image)) };
      } catch (error) {
        throw new ShellHostError('ENOEXEC', `${path}: cannot load the program of image ${image}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new ShellHostError('ENOEXEC', `${path}: not a WebAssembly program`);
  }
}
