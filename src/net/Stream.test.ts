import { describe, expect, it } from 'vitest';
import { NetArena, STREAM_CAPACITY } from './NetArena';
import { ListenerQueue, NetError, StreamEnd, WOULD_BLOCK, freeSlot } from './Stream';

function connection(arena = NetArena.create(), slot = 0) {
  StreamEnd.initialize(arena, slot, [{ bell: 1, address: 0x0a000002, port: 40000 }, { bell: 2, address: 0x0a000003, port: 80 }], 0);
  return { arena, client: new StreamEnd(arena, slot, 0), server: new StreamEnd(arena, slot, 1) };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('StreamEnd', () => {
  it('carries bytes both ways in order, and rings the peer doorbell', () => {
    const { arena, client, server } = connection();
    const before = arena.doorbell(2);
    expect(client.tryWrite(bytes('hello'))).toBe(5);
    expect(arena.doorbell(2)).toBe(before + 1);
    const buffer = new Uint8Array(16);
    expect(server.tryRead(buffer, true)).toBe(5); // peek leaves the bytes
    expect(server.tryRead(buffer)).toBe(5);
    expect(new TextDecoder().decode(buffer.subarray(0, 5))).toBe('hello');
    expect(server.tryRead(buffer)).toBe(WOULD_BLOCK);
    expect(server.tryWrite(bytes('back'))).toBe(4);
    expect(client.tryRead(buffer)).toBe(4);
    expect(client.counters()).toEqual({ sent: 5, received: 4 });
    expect(client.local).toEqual({ address: 0x0a000002, port: 40000 });
    expect(server.remote).toEqual({ address: 0x0a000002, port: 40000 });
  });

  it('applies backpressure: a full ring takes nothing more until the reader drains it', () => {
    const { client, server } = connection();
    const chunk = new Uint8Array(STREAM_CAPACITY + 100).fill(7);
    expect(client.tryWrite(chunk)).toBe(STREAM_CAPACITY);
    expect(client.writable()).toBe(false);
    expect(client.tryWrite(chunk)).toBe(WOULD_BLOCK);
    expect(server.tryRead(new Uint8Array(1000))).toBe(1000);
    expect(client.writable()).toBe(true);
    expect(client.tryWrite(chunk)).toBe(1000);
  });

  it('half-close: the peer reads what was sent, then end of stream, and can still answer', () => {
    const { client, server } = connection();
    client.tryWrite(bytes('request'));
    client.shutdown(false, true);
    const buffer = new Uint8Array(32);
    expect(server.tryRead(buffer)).toBe(7);
    expect(server.readable()).toBe(true);
    expect(server.tryRead(buffer)).toBe(0);
    expect(server.tryWrite(bytes('response'))).toBe(8);
    expect(client.tryRead(buffer)).toBe(8);
    expect(() => client.tryWrite(bytes('more'))).toThrowError(NetError);
  });

  it('a close with unread data resets the connection; writing to a closed peer is EPIPE', () => {
    const first = connection();
    first.client.tryWrite(bytes('unread'));
    first.server.close();
    expect(() => first.client.tryRead(new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'ECONNRESET' }));

    const second = connection();
    second.server.close(); // nothing unread: an orderly close
    expect(second.client.tryRead(new Uint8Array(4))).toBe(0);
    expect(() => second.client.tryWrite(bytes('x'))).toThrow(expect.objectContaining({ code: 'EPIPE' }));
    second.client.close();
    expect(second.client.finished).toBe(true);
  });

  it('abort (the peer container died) is a reset for the other end', () => {
    const { client, server } = connection();
    server.abort();
    expect(client.readable()).toBe(true);
    expect(() => client.tryRead(new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'ECONNRESET' }));
    expect(() => client.tryWrite(bytes('x'))).toThrow(expect.objectContaining({ code: 'ECONNRESET' }));
  });

  it('a slot cannot be initialized twice before it is freed', () => {
    const { arena } = connection();
    expect(() => connection(arena, 0)).toThrow(/in use/);
    freeSlot(arena, 0);
    expect(() => connection(arena, 0)).not.toThrow();
  });
});

describe('ListenerQueue', () => {
  it('queues connections up to its backlog, oldest first, and refuses beyond', () => {
    const arena = NetArena.create();
    expect(ListenerQueue.initialize(arena, 3, { bell: 5, address: 0, port: 80 }, 2)).toBe(2);
    const queue = new ListenerQueue(arena, 3);
    const before = arena.doorbell(5);
    expect(queue.push(10)).toBe(true);
    expect(queue.push(11)).toBe(true);
    expect(queue.push(12)).toBe(false);
    expect(arena.doorbell(5)).toBe(before + 2);
    expect(queue.pending()).toBe(2);
    expect(queue.tryPop()).toBe(10);
    expect(queue.tryPop()).toBe(11);
    expect(queue.tryPop()).toBeUndefined();
    queue.close();
    expect(queue.push(13)).toBe(false);
  });
});

describe('NetArena', () => {
  it('grows its slots on demand and is seen grown from any view of the same buffer', () => {
    const arena = NetArena.create();
    const other = new NetArena(arena.buffer);
    const before = arena.slotCount;
    expect(arena.ensureSlots(before + 1)).toBe(true);
    expect(other.slotCount).toBeGreaterThan(before);
    expect(() => other.slotWords(before)).not.toThrow();
    expect(() => other.slotWords(other.slotCount)).toThrow(RangeError);
    expect(arena.ensureSlots(1 << 20)).toBe(false);
  });
});
