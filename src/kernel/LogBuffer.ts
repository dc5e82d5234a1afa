// A container's captured output: the newest `capacity` bytes of stdout and
// stderr in arrival order, with a count of what was dropped to stay bounded.

import type { LogChunk, Stream } from '../api/types';

export const DEFAULT_LOG_CAPACITY = 1024 * 1024;

export class LogBuffer {
  private readonly _chunks: LogChunk[] = [];
  private _bytes = 0;
  private _dropped = 0;

  constructor(readonly capacity = DEFAULT_LOG_CAPACITY) {}

  /** Bytes discarded so far to stay within capacity. */
  get droppedBytes(): number {
    return this._dropped;
  }

  get bytes(): number {
    return this._bytes;
  }

  append(chunk: LogChunk): void {
    let data = chunk.data;
    if (data.length > this.capacity) {
      this._dropped += data.length - this.capacity;
      data = data.subarray(data.length - this.capacity);
    }
    this._chunks.push(data === chunk.data ? chunk : { ...chunk, data });
    this._bytes += data.length;
    while (this._bytes > this.capacity) {
      const oldest = this._chunks[0]!;
      const excess = this._bytes - this.capacity;
      if (oldest.data.length <= excess) {
        this._chunks.shift();
        this._bytes -= oldest.data.length;
        this._dropped += oldest.data.length;
      } else {
        this._chunks[0] = { ...oldest, data: oldest.data.subarray(excess) };
        this._bytes -= excess;
        this._dropped += excess;
      }
    }
  }

  chunks(streams: ReadonlySet<Stream> = ALL_STREAMS): LogChunk[] {
    return this._chunks.filter((chunk) => streams.has(chunk.stream));
  }

  text(streams: ReadonlySet<Stream> = ALL_STREAMS): string {
    const decoder = new TextDecoder();
    return this.chunks(streams).map((chunk) => decoder.decode(chunk.data, { stream: true })).join('') + decoder.decode();
  }
}

const ALL_STREAMS: ReadonlySet<Stream> = new Set(['stdout', 'stderr']);
