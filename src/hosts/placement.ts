// Where the next container goes. `spread` balances load across hosts (the
// least-loaded host by share of its capacity); `pack` fills hosts in order
// (fewest renderer processes busy). A host at capacity is skipped: the
// fleet moves on to the next.

export type Placement = 'spread' | 'pack';

export interface Candidate {
  readonly id: string;
  readonly ready: boolean;
  /** Containers running or being placed there. */
  readonly load: number;
  readonly capacity: number;
}

/** The host for the next container, or undefined when every ready host is full. */
export function chooseHost(hosts: readonly Candidate[], policy: Placement): Candidate | undefined {
  const open = hosts.filter((host) => host.ready && host.load < host.capacity);
  if (open.length === 0) return undefined;
  if (policy === 'pack') return open[0];
  let best = open[0]!;
  for (const host of open.slice(1)) {
    const share = host.load / host.capacity;
    const bestShare = best.load / best.capacity;
    if (share < bestShare || (share === bestShare && host.load < best.load)) best = host;
  }
  return best;
}
