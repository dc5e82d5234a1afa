import { describe, expect, it } from 'vitest';
import { LogBuffer } from './LogBuffer';

const bytes = (text: string) => new TextEncoder().encode(text);
const chunk = (stream: 'stdout' | 'stderr', text: string) => ({ stream, data: bytes(text), time: 0 });

describe('LogBuffer', () => {
  it('keeps chunks in arrival order and filters by stream', () => {
    const log = new LogBuffer(100);
    log.append(chunk('stdout', 'a\n'));
    log.append(chunk('stderr', 'b\n'));
    log.append(chunk('stdout', 'c\n'));
    expect(log.text()).toBe('a\nb\nc\n');
    expect(log.text(new Set(['stdout']))).toBe('a\nc\n');
    expect(log.chunks(new Set(['stderr'])).map((c) => c.stream)).toEqual(['stderr']);
    expect(log.droppedBytes).toBe(0);
  });

  it('keeps only the newest bytes within its capacity and counts what it dropped', () => {
    const log = new LogBuffer(10);
    log.append(chunk('stdout', '0123456'));
    log.append(chunk('stdout', 'abcdef'));
    expect(log.text()).toBe('3456abcdef');
    expect(log.bytes).toBe(10);
    expect(log.droppedBytes).toBe(3);
    log.append(chunk('stderr', 'a chunk longer than the buffer'));
    expect(log.text()).toBe('the buffer');
    expect(log.droppedBytes).toBe(3 + 10 + 20);
  });

  it('decodes UTF-8 split across chunks', () => {
    const log = new LogBuffer(100);
    const euro = bytes('€');
    log.append({ stream: 'stdout', data: euro.subarray(0, 1), time: 0 });
    log.append({ stream: 'stdout', data: euro.subarray(1), time: 0 });
    expect(log.text()).toBe('€');
  });
});
