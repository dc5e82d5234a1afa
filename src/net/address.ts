// IPv4 addresses as unsigned 32-bit numbers (10.0.0.2 = 0x0a000002), the
// form slots and control messages carry.

export const LOOPBACK = 0x7f000001; // 127.0.0.1
export const ANY = 0;

export function formatIpv4(address: number): string {
  return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
}

/** The number for a dotted quad, or undefined when `text` is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value >>> 0;
}

export function isLoopback(address: number): boolean {
  return address >>> 24 === 127;
}

/** Network-order bytes, as sockaddr and WASIX addresses hold them. */
export function ipv4Bytes(address: number): Uint8Array {
  return new Uint8Array([address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255]);
}

export function ipv4FromBytes(bytes: Uint8Array): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}
