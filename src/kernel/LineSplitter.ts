// Splits a byte stream into UTF-8 text lines for 'log' events, keeping a
// partial last line (and partial UTF-8 sequences) for the next chunk. As
// Docker's log drivers do, a line longer than MAX_LINE is cut into pieces
// of MAX_LINE, so output without newlines cannot grow the pending line
// without bound.

/** Docker splits log messages at 16 KiB. */
export const MAX_LINE = 16 * 1024;

export class LineSplitter {
  private readonly _decoder = new TextDecoder();
  private _pending = '';

  push(bytes: Uint8Array): string[] {
    const text = this._pending + this._decoder.decode(bytes, { stream: true });
    const lines = text.split('\n');
    let pending = lines.pop()!;
    while (pending.length > MAX_LINE) {
      // Never between the two halves of a surrogate pair.
      const cut = isHighSurrogate(pending.charCodeAt(MAX_LINE - 1)) ? MAX_LINE - 1 : MAX_LINE;
      lines.push(pending.slice(0, cut));
      pending = pending.slice(cut);
    }
    this._pending = pending;
    return lines;
  }

  /** The unterminated last line, if any. */
  flush(): string | undefined {
    const rest = this._pending + this._decoder.decode();
    this._pending = '';
    return rest.length > 0 ? rest : undefined;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
