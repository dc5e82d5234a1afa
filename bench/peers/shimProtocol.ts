// Messages between the shim baseline's host (shim.ts) and its workers (shimWorker.ts).

export interface ShimRunRequest {
  readonly type: 'run';
  readonly module: WebAssembly.Module;
  /** argv[0] */
  readonly name: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  /** Keep the instance (and its memory) alive after _start returns. */
  readonly keep: boolean;
  /** Post stdout/stderr as they are written (for first-byte times). */
  readonly postOutput: boolean;
}

export type ShimRequest = ShimRunRequest;

export type ShimReply =
  | { readonly type: 'ready' }
  | { readonly type: 'output'; readonly fd: 1 | 2; readonly bytes: Uint8Array }
  | { readonly type: 'exit'; readonly exitCode: number; readonly stdout: string; readonly ms: number; readonly error?: string };
