import { describe, expect, it } from 'vitest';
import { Pipe, PIPE_CAPACITY } from './Pipe';
import { PipeStream } from './streams';

describe('Pipe', () => {
  it('carries bytes in order and reports EOF once every writer is closed', async () => {
    const pipe = Pipe.create();
    expect(await pipe.write(new TextEncoder().encode('hello '))).toBe(true);
    pipe.addRef('write'); // a second writer (e.g. a child's copy)
    expect(await pipe.write(new TextEncoder().encode('world'))).toBe(true);
    pipe.release('write');
    expect(new TextDecoder().decode((await pipe.read(100))!)).toBe('hello world');
    expect(pipe.readable()).toBe(false); // one writer is still open: a read would block
    pipe.release('write');
    expect(pipe.readable()).toBe(true);
    expect(await pipe.read(100)).toBeNull();
  });

  it('fails writes once no reader is left (EPIPE), also a writer blocked on a full pipe', async () => {
    const pipe = Pipe.create();
    const big = new Uint8Array(PIPE_CAPACITY + 10);
    const pending = pipe.write(big); // fills the ring, then waits for room
    await new Promise((resolve) => setTimeout(resolve, 10));
    pipe.release('read');
    expect(await pending).toBe(false);
    expect(await pipe.write(new Uint8Array(1))).toBe(false);
  });

  it('streams more than its capacity with backpressure between a writer and a reader', async () => {
    const pipe = Pipe.create();
    const total = PIPE_CAPACITY * 5 + 123;
    const data = new Uint8Array(total).map((_, i) => i % 251);
    const writer = (async () => { await pipe.write(data); pipe.release('write'); })();
    const received: number[] = [];
    for (;;) {
      const chunk = await pipe.read(10_000);
      if (!chunk) break;
      received.push(...chunk);
    }
    await writer;
    expect(received.length).toBe(total);
    expect(new Uint8Array(received)).toEqual(data);
  });

  it('reads synchronously what is there without waiting', () => {
    const pipe = Pipe.create();
    void pipe.write(new Uint8Array([1, 2, 3]));
    const dst = new Uint8Array(8);
    expect(pipe.readSync(dst, () => {})).toBe(3);
    pipe.release('write');
    expect(pipe.readSync(dst, () => {})).toBe(0);
  });

  it('lets a blocked synchronous reader be interrupted by its signal check', () => {
    const pipe = Pipe.create();
    let checks = 0;
    expect(() => pipe.readSync(new Uint8Array(4), () => { if (++checks === 3) throw new Error('killed'); })).toThrow('killed');
  });
});

describe('PipeStream', () => {
  it('counts references like file descriptions: dup and close', async () => {
    const pipe = Pipe.create();
    const reader = new PipeStream(pipe, 'read');
    const writer = new PipeStream(pipe, 'write');
    const copy = writer.dup();
    writer.close();
    writer.close(); // closing twice drops one reference only
    await copy.write(new Uint8Array([7]));
    expect(await reader.read(10)).toEqual(new Uint8Array([7]));
    copy.close();
    expect(await reader.read(10)).toBeNull();
    reader.close();
    await expect(new PipeStream(Pipe.create(), 'read').write(new Uint8Array(1))).rejects.toThrow(/descriptor/);
  });
});
