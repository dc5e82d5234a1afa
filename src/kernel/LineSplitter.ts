// Splits a byte stream into UTF-8 text lines for 'log' events, keeping a
// partial last line (and partial UTF-8 sequences) for the next chunk.

export class LineSplitter {
  private readonly _decoder = new TextDecoder();
  private _pending = '';

  push(bytes: Uint8Array): string[] {
    const text = this._pending + this._decoder.decode(bytes, { stream: true });
    const lines = text.split('\n');
    this._pending = lines.pop()!;
    return lines;
  }

  /** The unterminated last line, if any. */
  flush(): string | undefined {
    const rest = this._pending + this._decoder.decode();
    this._pending = '';
    return rest.length > 0 ? rest : undefined;
  }
}
