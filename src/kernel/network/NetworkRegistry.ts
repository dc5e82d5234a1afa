// Networks as Docker has them: the predefined `bridge` (every container
// joins it unless told otherwise; addresses but no name resolution) and
// `none` (no interface), and user-defined bridges (create, connect,
// disconnect, remove) on which containers find each other by name, short
// id and alias. Addresses come from each network's subnet (IPAM). Only
// containers sharing a network can reach each other.

import type { NetworkEndpointInfo, NetworkInfo, NetworkOptions } from '../../api/types';
import { formatIpv4, parseIpv4 } from '../../net/address';
import { InvalidOptionsError, NetworkExistsError, NetworkInUseError, NetworkNotFoundError } from '../errors';
import { randomId, VALID_NAME } from '../names';

export interface Endpoint {
  readonly containerId: string;
  readonly name: string;
  readonly hostname: string;
  readonly address: number;
  readonly aliases: readonly string[];
}

export class Network {
  readonly endpoints = new Map<string, Endpoint>();
  /** Connections made over the network so far, and the bytes they carried (closed ones). */
  connections = 0;
  bytes = 0;
  private _nextHost = 2;
  private readonly _freed: number[] = [];

  constructor(
    readonly index: number,
    readonly id: string,
    readonly name: string,
    readonly driver: 'bridge' | 'null',
    readonly base: number,
    readonly prefix: number,
    readonly dns: boolean,
    readonly predefined: boolean,
    readonly labels: Readonly<Record<string, string>>,
    readonly createdAt = Date.now(),
  ) {}

  get gateway(): number {
    return (this.base + 1) >>> 0;
  }

  /** Takes a given address (docker run --ip): it must be in the subnet, not the network or gateway address, and free. */
  claimAddress(address: number): number {
    const size = 2 ** (32 - this.prefix);
    const offset = address - this.base;
    if (offset < 2 || offset >= size - 1) throw new InvalidOptionsError('ipAddress', `${formatIpv4(address)} is not a host address of ${formatIpv4(this.base)}/${this.prefix}`);
    for (const endpoint of this.endpoints.values()) {
      if (endpoint.address === address) throw new InvalidOptionsError('ipAddress', `${formatIpv4(address)} is already in use on ${this.name}`);
    }
    const freed = this._freed.indexOf(address);
    if (freed >= 0) this._freed.splice(freed, 1);
    else if (offset >= this._nextHost) {
      for (let next = this._nextHost; next < offset; next++) this._freed.push((this.base + next) >>> 0);
      this._freed.sort((a, b) => a - b);
      this._nextHost = offset + 1;
    }
    return address;
  }

  /** The next free host address (.2 upwards; freed ones first). */
  allocateAddress(): number {
    const reused = this._freed.shift();
    if (reused !== undefined) return reused;
    const size = 2 ** (32 - this.prefix);
    if (this._nextHost >= size - 1) throw new NetworkInUseError(this.name, 'no free address left in its subnet');
    return (this.base + this._nextHost++) >>> 0;
  }

  releaseAddress(address: number): void {
    this._freed.push(address);
    this._freed.sort((a, b) => a - b);
  }

  info(): NetworkInfo {
    const containers: NetworkEndpointInfo[] = [...this.endpoints.values()].map((endpoint) => ({
      containerId: endpoint.containerId,
      name: endpoint.name,
      ipAddress: this.driver === 'null' ? '' : formatIpv4(endpoint.address),
      aliases: [...endpoint.aliases],
    }));
    return {
      id: this.id,
      name: this.name,
      driver: this.driver,
      subnet: this.driver === 'null' ? '' : `${formatIpv4(this.base)}/${this.prefix}`,
      gateway: this.driver === 'null' ? '' : formatIpv4(this.gateway),
      dns: this.dns,
      createdAt: this.createdAt,
      labels: { ...this.labels },
      containers,
      connections: this.connections,
      bytes: this.bytes,
    };
  }
}

export const DEFAULT_NETWORK = 'bridge';
export const NO_NETWORK = 'none';

export class NetworkRegistry {
  private readonly _networks = new Map<string, Network>();
  private _nextIndex = 0;
  private _nextSecondOctet = 18; // user networks: 172.18.0.0/16, 172.19.0.0/16, … as Docker

  constructor() {
    this._add(new Network(this._nextIndex++, randomId(), DEFAULT_NETWORK, 'bridge', parseIpv4('172.17.0.0')!, 16, false, true, {}));
    this._add(new Network(this._nextIndex++, randomId(), NO_NETWORK, 'null', 0, 32, false, true, {}));
  }

  create(name: string, options: NetworkOptions = {}): Network {
    if (typeof name !== 'string' || !VALID_NAME.test(name)) throw new InvalidOptionsError('name', `network name ${JSON.stringify(name)} must match ${VALID_NAME.source}`);
    if (this._byName(name)) throw new NetworkExistsError(name);
    const [base, prefix] = options.subnet !== undefined ? this._parseSubnet(options.subnet) : this._nextSubnet();
    const network = new Network(this._nextIndex++, randomId(), name, 'bridge', base, prefix, true, false, { ...(options.labels ?? {}) });
    this._add(network);
    return network;
  }

  remove(nameOrId: string): void {
    const network = this.get(nameOrId);
    if (network.predefined) throw new NetworkInUseError(network.name, 'a predefined network cannot be removed');
    if (network.endpoints.size > 0) throw new NetworkInUseError(network.name, `it has active endpoints (${[...network.endpoints.values()].map((e) => e.name).join(', ')})`);
    this._networks.delete(network.id);
  }

  /** By name, id or unique id prefix. */
  get(nameOrId: string): Network {
    const network = this._byName(nameOrId) ?? this._networks.get(nameOrId)
      ?? (nameOrId.length > 0 ? single([...this._networks.values()].filter((n) => n.id.startsWith(nameOrId))) : undefined);
    if (!network) throw new NetworkNotFoundError(nameOrId);
    return network;
  }

  list(): Network[] {
    return [...this._networks.values()];
  }

  /** The networks of these names that exist (others are ignored). */
  named(names: readonly string[]): Network[] {
    return this.list().filter((network) => names.includes(network.name));
  }

  byIndex(index: number): Network | undefined {
    for (const network of this._networks.values()) if (network.index === index) return network;
    return undefined;
  }

  /** Joins a container to a network and gives it an address there. */
  connect(network: Network, container: { id: string; name: string; hostname: string }, aliases: readonly string[] = [], ipAddress?: string): Endpoint {
    if (network.endpoints.has(container.id)) throw new NetworkInUseError(network.name, `container ${container.name} is already attached to it`);
    const joined = this.networksOf(container.id);
    if (network.name === NO_NETWORK && joined.length > 0) throw new NetworkInUseError(network.name, 'a container on `none` cannot join other networks');
    if (joined.some((n) => n.name === NO_NETWORK)) throw new NetworkInUseError(network.name, `container ${container.name} is attached to \`none\``);
    for (const alias of aliases) {
      if (typeof alias !== 'string' || !VALID_NAME.test(alias)) throw new InvalidOptionsError('aliases', `alias ${JSON.stringify(alias)} must match ${VALID_NAME.source}`);
    }
    let address = 0;
    if (network.driver !== 'null') {
      if (ipAddress === undefined) address = network.allocateAddress();
      else {
        const parsed = parseIpv4(ipAddress);
        if (parsed === undefined) throw new InvalidOptionsError('ipAddress', `${JSON.stringify(ipAddress)} is not an IPv4 address`);
        address = network.claimAddress(parsed);
      }
    }
    const endpoint: Endpoint = { containerId: container.id, name: container.name, hostname: container.hostname, address, aliases: [...aliases] };
    network.endpoints.set(container.id, endpoint);
    return endpoint;
  }

  disconnect(network: Network, containerId: string): void {
    const endpoint = network.endpoints.get(containerId);
    if (!endpoint) throw new NetworkInUseError(network.name, `container ${containerId.slice(0, 12)} is not attached to it`);
    network.endpoints.delete(containerId);
    if (network.driver !== 'null') network.releaseAddress(endpoint.address);
  }

  /** Every network a container is on. */
  networksOf(containerId: string): Network[] {
    return this.list().filter((network) => network.endpoints.has(containerId));
  }

  /** The container holding `address` on a network `from` is also on, and that network. */
  reachable(fromId: string, address: number): { network: Network; endpoint: Endpoint } | undefined {
    return this.reachableOn(this.networksOf(fromId), address);
  }

  /** The same for a caller known by its networks (another host's container). */
  reachableOn(networks: readonly Network[], address: number): { network: Network; endpoint: Endpoint } | undefined {
    for (const network of networks) {
      if (network.driver === 'null') continue;
      for (const endpoint of network.endpoints.values()) if (endpoint.address === address) return { network, endpoint };
    }
    return undefined;
  }

  /**
   * Resolves `name` as container `fromId` sees it: on user-defined networks
   * it shares with the target (container name, short id, alias). One address.
   */
  resolve(fromId: string, name: string): number | undefined {
    return this.resolveOn(this.networksOf(fromId), name);
  }

  /** The same for a caller known by its networks (another host's container). */
  resolveOn(networks: readonly Network[], name: string): number | undefined {
    const wanted = name.toLowerCase().replace(/\.$/, '');
    for (const network of networks) {
      if (!network.dns) continue;
      for (const endpoint of network.endpoints.values()) {
        if (endpoint.name.toLowerCase() === wanted || endpoint.hostname === wanted || endpoint.aliases.some((alias) => alias.toLowerCase() === wanted)) return endpoint.address;
      }
    }
    return undefined;
  }

  private _add(network: Network): void {
    this._networks.set(network.id, network);
  }

  private _byName(name: string): Network | undefined {
    for (const network of this._networks.values()) if (network.name === name) return network;
    return undefined;
  }

  private _nextSubnet(): [number, number] {
    for (; this._nextSecondOctet < 32; this._nextSecondOctet++) {
      const base = parseIpv4(`172.${this._nextSecondOctet}.0.0`)!;
      if (!this._overlaps(base, 16)) return [base, 16];
    }
    for (let third = 0; third < 256; third++) {
      const base = parseIpv4(`192.168.${third}.0`)!;
      if (!this._overlaps(base, 24)) return [base, 24];
    }
    throw new InvalidOptionsError('subnet', 'no free subnet left');
  }

  private _parseSubnet(subnet: string): [number, number] {
    const match = typeof subnet === 'string' ? /^(\d+\.\d+\.\d+\.\d+)\/(16|24)$/.exec(subnet) : null;
    const address = match ? parseIpv4(match[1]!) : undefined;
    if (!match || address === undefined) throw new InvalidOptionsError('subnet', `${JSON.stringify(subnet)} is not an IPv4 subnet with a /16 or /24 mask`);
    const prefix = Number(match[2]);
    const base = (address & (prefix === 16 ? 0xffff0000 : 0xffffff00)) >>> 0;
    if (base !== address) throw new InvalidOptionsError('subnet', `${subnet} has host bits set`);
    if (address >>> 24 === 127 || address === 0) throw new InvalidOptionsError('subnet', `${subnet} is reserved`);
    if (this._overlaps(base, prefix)) throw new InvalidOptionsError('subnet', `${subnet} overlaps an existing network`);
    return [base, prefix];
  }

  private _overlaps(base: number, prefix: number): boolean {
    return this.list().some((network) => {
      if (network.driver === 'null') return false;
      const shortest = Math.min(prefix, network.prefix);
      const mask = shortest === 0 ? 0 : (0xffffffff << (32 - shortest)) >>> 0;
      return ((base & mask) >>> 0) === ((network.base & mask) >>> 0);
    });
  }
}

function single<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}
