// Output flow control: writers wait while a terminal's window is full.
import { describe, expect, it } from 'vitest';
import { ControlBlock, OUTPUT_WINDOW } from './ControlBlock';
import { OUTPUT_CHUNK, writeOutput, writeOutputAsync } from './outputFlow';

const waited = new Error('waited');

describe('output flow control', () => {
  it('posts at once while the window has room, in chunks of at most OUTPUT_CHUNK', () => {
    const terminal = new ControlBlock();
    const posted: number[] = [];
    writeOutput({ terminal, check: () => { throw waited; }, block: (wait) => wait() }, new Uint8Array(OUTPUT_CHUNK * 2 + 5), (data) => posted.push(data.length));
    expect(posted).toEqual([OUTPUT_CHUNK, OUTPUT_CHUNK, 5]);
    expect(terminal.outputPending()).toBe(OUTPUT_CHUNK * 2 + 5);
  });

  it('makes a writer wait once the window is full, until the supervisor releases what it took', () => {
    const terminal = new ControlBlock();
    const posted: Uint8Array[] = [];
    const flow = { terminal, check: () => { throw waited; }, block: (wait: () => void) => wait() };
    while (terminal.outputPending() < OUTPUT_WINDOW) writeOutput(flow, new Uint8Array(OUTPUT_CHUNK), (data) => posted.push(data));
    // Full: the writer checks for signals (here: ends) instead of posting.
    expect(() => writeOutput(flow, new Uint8Array(1), (data) => posted.push(data))).toThrow(waited);
    const count = posted.length;
    terminal.releaseOutput(posted[0]!.length);
    writeOutput(flow, new Uint8Array(1), (data) => posted.push(data));
    expect(posted.length).toBe(count + 1);
  });

  it('lets an event-loop writer await room', async () => {
    const terminal = new ControlBlock();
    terminal.reserveOutput(OUTPUT_WINDOW, () => {}, (wait) => wait());
    const posted: number[] = [];
    const writing = writeOutputAsync(terminal, new Uint8Array(10), (data) => posted.push(data.length));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(posted).toEqual([]);
    terminal.releaseOutput(OUTPUT_WINDOW);
    await writing;
    expect(posted).toEqual([10]);
    expect(terminal.outputPending()).toBe(10);
  });
});
