// poll_oneoff: clock subscriptions (relative or absolute, any number) and
// fd_read/fd_write readiness. Files and output streams are always ready;
// stdin is ready when its stream says so; sockets when data, a connection
// or room is there. Blocks through options.waiter until
// something is ready or the earliest clock expires, checking signals after
// every wake-up.
import {
  ERRNO_BADF, ERRNO_INVAL, ERRNO_NOTCAPABLE, ERRNO_SUCCESS, EVENTTYPE_CLOCK, EVENTTYPE_FD_READ,
  EVENTTYPE_FD_WRITE, EVENT_SIZE, RIGHTS_POLL_FD_READWRITE, SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME,
  SUBSCRIPTION_CLOCK_FLAGS, SUBSCRIPTION_CLOCK_ID, SUBSCRIPTION_CLOCK_TIMEOUT, SUBSCRIPTION_FD_READWRITE_FD,
  SUBSCRIPTION_SIZE, SUBSCRIPTION_TAG, SUBSCRIPTION_USERDATA,
} from './constants';
import { clockNow } from './clock';
import type { SyscallContext, SyscallFamily } from './context';
import { fail, SyscallError } from './errors';

/** How often a poll over sockets and other fds looks at the others. */
const MIXED_POLL_SLICE_MS = 10;

interface ClockSub { kind: 'clock'; userdata: bigint; clockId: number; deadline: bigint }
interface FdSub { kind: 'fd'; userdata: bigint; type: number; fd: number }
type Sub = ClockSub | FdSub;

interface Event { userdata: bigint; error: number; type: number; nbytes: bigint }

/** Readiness of one fd subscription now: an event, or undefined if it would block. */
function fdReady(ctx: SyscallContext, sub: FdSub): Event | undefined {
  const ev = (error: number, nbytes = 0n): Event => ({ userdata: sub.userdata, error, type: sub.type, nbytes });
  let h;
  try {
    h = ctx.fds.get(sub.fd);
  } catch (e) {
    if (e instanceof SyscallError) return ev(ERRNO_BADF);
    throw e;
  }
  if ((h.rightsBase & RIGHTS_POLL_FD_READWRITE) === 0n) return ev(ERRNO_NOTCAPABLE);
  if (sub.type === EVENTTYPE_FD_READ) {
    switch (h.type) {
      case 'file': {
        const left = h.node.size() - h.position;
        return ev(ERRNO_SUCCESS, BigInt(left > 0 ? left : 0));
      }
      case 'input': {
        const stream = h.stream;
        if (!ctx.host(() => stream.readable())) return undefined;
        return ev(ERRNO_SUCCESS, BigInt(ctx.host(() => stream.available())));
      }
      case 'socket':
        return h.socket.readable() ? ev(ERRNO_SUCCESS, BigInt(h.socket.available())) : undefined;
      default: return ev(ERRNO_BADF);
    }
  }
  switch (h.type) {
    case 'file': case 'output': return ev(ERRNO_SUCCESS);
    case 'socket': return h.socket.writable() ? ev(ERRNO_SUCCESS) : undefined;
    default: return ev(ERRNO_BADF);
  }
}

export const pollSyscalls = {
  poll_oneoff(ctx: SyscallContext, inPtr: number, outPtr: number, nsubscriptions: number, neventsPtr: number) {
    const n = nsubscriptions >>> 0;
    if (n === 0) fail(ERRNO_INVAL);
    const mem = ctx.mem;
    const inBase = mem.check(inPtr, n * SUBSCRIPTION_SIZE);
    const outBase = mem.check(outPtr, n * EVENT_SIZE);
    mem.check(neventsPtr, 4);

    const subs: Sub[] = [];
    for (let i = 0; i < n; i++) {
      const p = inBase + i * SUBSCRIPTION_SIZE;
      const userdata = mem.getU64(p + SUBSCRIPTION_USERDATA);
      const tag = mem.getU8(p + SUBSCRIPTION_TAG);
      if (tag === EVENTTYPE_CLOCK) {
        const clockId = mem.getU32(p + SUBSCRIPTION_CLOCK_ID);
        const timeout = mem.getU64(p + SUBSCRIPTION_CLOCK_TIMEOUT);
        const flags = mem.getU16(p + SUBSCRIPTION_CLOCK_FLAGS);
        const now = clockNow(ctx, clockId); // INVAL for an unknown clock
        const deadline = flags & SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME ? timeout : now + timeout;
        subs.push({ kind: 'clock', userdata, clockId, deadline });
      } else if (tag === EVENTTYPE_FD_READ || tag === EVENTTYPE_FD_WRITE) {
        subs.push({ kind: 'fd', userdata, type: tag, fd: mem.getU32(p + SUBSCRIPTION_FD_READWRITE_FD) });
      } else {
        fail(ERRNO_INVAL);
      }
    }

    // Sockets change without waking the process's waiter: wait on the
    // network's doorbell then, in short slices when other fds are polled too.
    const sockets = ctx.options.sockets;
    const pollsSockets = sockets !== undefined && subs.some((sub) => sub.kind === 'fd' && ctx.fds.has(sub.fd) && ctx.fds.get(sub.fd).type === 'socket');
    const pollsOthers = subs.some((sub) => sub.kind === 'fd' && !(ctx.fds.has(sub.fd) && ctx.fds.get(sub.fd).type === 'socket'));
    let events: Event[];
    while (true) {
      const seen = pollsSockets ? sockets.changeCount() : 0;
      events = [];
      let waitNs: bigint | undefined;
      for (const sub of subs) {
        if (sub.kind === 'fd') {
          const ev = fdReady(ctx, sub);
          if (ev) events.push(ev);
        } else {
          const left = sub.deadline - clockNow(ctx, sub.clockId);
          if (left <= 0n) {
            events.push({ userdata: sub.userdata, error: ERRNO_SUCCESS, type: EVENTTYPE_CLOCK, nbytes: 0n });
          } else if (waitNs === undefined || left < waitNs) {
            waitNs = left;
          }
        }
      }
      if (events.length > 0) break;
      // Nothing ready: sleep until the earliest deadline (or a wake-up), then look again.
      const ms = waitNs === undefined ? Infinity : Math.max(Number(waitNs) / 1e6, 0);
      if (pollsSockets) ctx.host(() => sockets.waitForChange(seen, pollsOthers ? Math.min(ms, MIXED_POLL_SLICE_MS) : ms));
      else ctx.host(() => ctx.options.waiter.wait(ms));
      ctx.host(() => ctx.options.checkSignals());
    }

    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      const p = outBase + i * EVENT_SIZE;
      mem.zero(p, EVENT_SIZE);
      mem.setU64(p, ev.userdata);
      mem.setU16(p + 8, ev.error);
      mem.setU8(p + 10, ev.type);
      if (ev.type !== EVENTTYPE_CLOCK) mem.setU64(p + 16, ev.nbytes);
    }
    mem.setU32(neventsPtr, events.length);
    return ERRNO_SUCCESS;
  },
} satisfies SyscallFamily;

