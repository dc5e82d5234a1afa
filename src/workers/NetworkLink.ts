// A container worker's link to its network: the host's arena, the
// container's doorbell, and its port to the control plane. Each process of
// the container gets a socket stack over it; process workers get a port of
// their own (requests are answered by port, and a process's thread blocks
// while it waits).

import { NetArena } from '../net/NetArena';
import { NetControlClient } from '../net/control';
import { SocketStack } from '../net/SocketStack';

export class NetworkLink {
  readonly arena: NetArena;
  private readonly _control: NetControlClient;

  constructor(arena: SharedArrayBuffer, readonly bell: number, port: MessagePort) {
    this.arena = new NetArena(arena);
    this._control = new NetControlClient(port);
  }

  /** Sockets for a program on this thread; `check` ends waits on signals, `block` accounts them. */
  stack(check: () => void, block: (wait: () => void) => void): SocketStack {
    return new SocketStack({ arena: this.arena, bell: this.bell, control: this._control, check, block });
  }

  /** A new port to the control plane, for a process worker. */
  openPort(): MessagePort {
    const channel = new MessageChannel();
    this._control.notify({ op: 'endpoint', port: channel.port1 }, [channel.port1]);
    return channel.port2;
  }
}
