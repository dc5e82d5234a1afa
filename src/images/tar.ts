// A small POSIX ustar (pax-extended) tar writer and reader. Image layers are
// real tar archives so they can be inspected with ordinary tools
// (`tar tvf build/images/blobs/sha256/<hex>`) and so the format is the one
// OCI layers use. The reader is zero-copy: file data are subarrays of the
// input, which lets the loader keep one shared buffer per layer.
import { BadLayerError } from './errors';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink';

export interface TarEntry {
  /** Relative path without leading '/' or './' and without trailing '/': 'bin/hello'. */
  readonly name: string;
  readonly type: TarEntryType;
  /** Permission bits, e.g. 0o755 (file type bits are not included). */
  readonly mode: number;
  /** Modification time, whole seconds since the epoch. */
  readonly mtime: number;
  /** Contents of a 'file' entry. */
  readonly data?: Uint8Array;
  /** Symlink target, or for a hard link the name of the earlier entry it links to. */
  readonly linkName?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly uname?: string;
  readonly gname?: string;
}

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const TYPE_FLAGS: Record<TarEntryType, string> = { file: '0', hardlink: '1', symlink: '2', directory: '5' };

/** Strips './', leading and trailing slashes; rejects empty names and '..' components. */
export function normalizeTarName(name: string): string {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0) throw new BadLayerError(`tar entry name "${name}" is empty`);
  if (parts.includes('..')) throw new BadLayerError(`tar entry name "${name}" contains '..'`);
  return parts.join('/');
}

function writeString(header: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new BadLayerError(`tar header field too long: "${value}"`);
  header.set(bytes, offset);
}

function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  // length-1 octal digits, zero padded, then NUL: the portable ustar form.
  const digits = Math.floor(value).toString(8);
  if (value < 0 || digits.length > length - 1) throw new BadLayerError(`tar numeric field out of range: ${value}`);
  writeString(header, offset, length, digits.padStart(length - 1, '0'));
}

/** Splits a long name into ustar's prefix (<=155 bytes) and name (<=100 bytes), or returns undefined. */
function splitUstarName(name: string): [prefix: string, name: string] | undefined {
  if (encoder.encode(name).length <= 100) return ['', name];
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (encoder.encode(prefix).length <= 155 && rest !== '' && encoder.encode(rest).length <= 100) return [prefix, rest];
  }
  return undefined;
}

function paxRecord(key: string, value: string): string {
  // The length prefix counts itself, so iterate until it is stable.
  const body = ` ${key}=${value}\n`;
  let length = encoder.encode(body).length;
  while (String(length).length + encoder.encode(body).length !== length) length = String(length).length + encoder.encode(body).length;
  return `${length}${body}`;
}

function header(fields: {
  name: string; prefix: string; mode: number; uid: number; gid: number; size: number; mtime: number;
  typeFlag: string; linkName: string; uname: string; gname: string;
}): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, fields.name);
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, fields.uid);
  writeOctal(block, 116, 8, fields.gid);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  writeString(block, 156, 1, fields.typeFlag);
  writeString(block, 157, 100, fields.linkName);
  writeString(block, 257, 6, 'ustar');
  writeString(block, 263, 2, '00');
  writeString(block, 265, 32, fields.uname);
  writeString(block, 297, 32, fields.gname);
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  writeString(block, 345, 155, fields.prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

const padded = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

/** Serialises entries, in order, as a ustar archive (pax headers only for names that do not fit). */
export function writeTar(entries: Iterable<TarEntry>): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const entry of entries) {
    const name = normalizeTarName(entry.name);
    const fullName = entry.type === 'directory' ? `${name}/` : name;
    const data = entry.type === 'file' ? entry.data ?? new Uint8Array(0) : new Uint8Array(0);
    const linkName = entry.type === 'symlink' ? entry.linkName ?? ''
      : entry.type === 'hardlink' ? normalizeTarName(entry.linkName ?? '') : '';
    if ((entry.type === 'symlink' || entry.type === 'hardlink') && linkName === '') {
      throw new BadLayerError(`tar entry "${name}": ${entry.type} needs a linkName`);
    }
    const common = {
      mode: entry.mode & 0o7777, uid: entry.uid ?? 0, gid: entry.gid ?? 0, mtime: entry.mtime,
      uname: entry.uname ?? 'root', gname: entry.gname ?? 'root',
    };
    let split = splitUstarName(fullName);
    const linkFits = encoder.encode(linkName).length <= 100;
    if (!split || !linkFits) {
      let pax = '';
      if (!split) pax += paxRecord('path', fullName);
      if (!linkFits) pax += paxRecord('linkpath', linkName);
      const paxBytes = encoder.encode(pax);
      chunks.push(header({ ...common, name: 'PaxHeader', prefix: '', size: paxBytes.length, typeFlag: 'x', linkName: '' }));
      chunks.push(paxBytes, new Uint8Array(padded(paxBytes.length) - paxBytes.length));
      split ??= ['', fullName.slice(-99).replace(/^\/+/, '')];
    }
    chunks.push(header({
      ...common, name: split[1], prefix: split[0], size: data.length,
      typeFlag: TYPE_FLAGS[entry.type], linkName: linkFits ? linkName : linkName.slice(0, 100),
    }));
    if (data.length) chunks.push(data, new Uint8Array(padded(data.length) - data.length));
  }
  chunks.push(new Uint8Array(BLOCK * 2)); // end-of-archive marker
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decodeText(end === -1 ? field : field.subarray(0, end));
}

/** TextDecoder rejects views of shared memory (layers live in a SharedArrayBuffer in browsers): decode a copy. */
function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice());
}

function readNumber(block: Uint8Array, offset: number, length: number, what: string, at: number): number {
  const field = block.subarray(offset, offset + length);
  if (field[0]! & 0x80) {
    // GNU base-256 for values that do not fit in octal.
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = readString(block, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new BadLayerError(`tar header at offset ${at}: ${what} "${text}" is not an octal number`);
  return parseInt(text, 8);
}

function parsePax(data: Uint8Array, at: number): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = space === -1 ? NaN : parseInt(decodeText(data.subarray(offset, space)), 10);
    if (!(length > 0) || offset + length > data.length) throw new BadLayerError(`bad pax header at offset ${at}`);
    const record = decodeText(data.subarray(space + 1, offset + length - 1));
    const eq = record.indexOf('=');
    if (eq === -1) throw new BadLayerError(`bad pax record "${record}" at offset ${at}`);
    records.set(record.slice(0, eq), record.slice(eq + 1));
    offset += length;
  }
  return records;
}

/** Parses a tar archive. File data are views into `bytes` (no copies). */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let pax: Map<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  while (offset + BLOCK <= bytes.length) {
    const block = bytes.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) return entries; // end of archive
    const at = offset;
    const stored = readNumber(block, 148, 8, 'checksum', at);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    if (sum !== stored) throw new BadLayerError(`tar header at offset ${at}: checksum ${stored} does not match ${sum}`);
    const size = readNumber(block, 124, 12, 'size', at);
    const typeFlag = String.fromCharCode(block[156]!);
    const dataStart = offset + BLOCK;
    if (dataStart + size > bytes.length) throw new BadLayerError(`tar entry at offset ${at} is truncated`);
    const data = bytes.subarray(dataStart, dataStart + size);
    offset = dataStart + padded(size);

    if (typeFlag === 'x') { pax = parsePax(data, at); continue; }
    if (typeFlag === 'g') continue; // global pax defaults: nothing we use
    if (typeFlag === 'L') { longName = readString(data, 0, data.length); continue; }
    if (typeFlag === 'K') { longLink = readString(data, 0, data.length); continue; }

    const magic = readString(block, 257, 6);
    const prefix = magic.startsWith('ustar') ? readString(block, 345, 155) : '';
    let name = pax?.get('path') ?? longName ?? (prefix ? `${prefix}/${readString(block, 0, 100)}` : readString(block, 0, 100));
    const linkName = pax?.get('linkpath') ?? longLink ?? readString(block, 157, 100);
    const mtimeText = pax?.get('mtime');
    const mtime = mtimeText !== undefined ? Math.floor(Number(mtimeText)) : readNumber(block, 136, 12, 'mtime', at);
    pax = longName = longLink = undefined;

    let type: TarEntryType;
    if (typeFlag === '0' || typeFlag === '\0' || typeFlag === '7') type = name.endsWith('/') ? 'directory' : 'file';
    else if (typeFlag === '1') type = 'hardlink';
    else if (typeFlag === '2') type = 'symlink';
    else if (typeFlag === '5') type = 'directory';
    else throw new BadLayerError(`tar entry "${name}" at offset ${at} has unsupported type '${typeFlag}'`);
    name = normalizeTarName(name);

    entries.push({
      name, type,
      mode: readNumber(block, 100, 8, 'mode', at) & 0o7777,
      mtime,
      uid: readNumber(block, 108, 8, 'uid', at),
      gid: readNumber(block, 116, 8, 'gid', at),
      uname: readString(block, 265, 32),
      gname: readString(block, 297, 32),
      ...(type === 'file' ? { data } : {}),
      ...(type === 'symlink' ? { linkName } : {}),
      // A hard link names another entry of the archive, so it is normalised like a name.
      ...(type === 'hardlink' ? { linkName: normalizeTarName(linkName) } : {}),
    });
  }
  throw new BadLayerError('tar archive ends without its end-of-archive marker');
}
