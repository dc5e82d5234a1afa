// The supervisor's file access to one container (docker cp), through the
// container's FileMailbox: works while its program runs or waits.

import type { TreeEntry } from '../api/types';
import { FileMailboxClient, MAILBOX_CHUNK, type MailboxRequest, type TreeListing } from '../workers/FileMailbox';

export class ContainerFiles {
  constructor(private readonly _mailbox: FileMailboxClient) {}

  async readFile(path: string): Promise<Uint8Array> {
    const first = await this._call({ op: 'read', path, offset: 0 });
    const size = first.size ?? first.data.length;
    if (first.data.length === size) return first.data;
    const out = new Uint8Array(size);
    out.set(first.data);
    for (let offset = first.data.length; offset < size;) {
      const next = await this._call({ op: 'read', path, offset });
      if (next.data.length === 0) return out.subarray(0, offset); // it shrank meanwhile
      out.set(next.data.subarray(0, size - offset), offset);
      offset += next.data.length;
    }
    return out;
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    let offset = 0;
    do {
      const chunk = data.subarray(offset, offset + MAILBOX_CHUNK);
      await this._call({ op: 'write', path, offset }, chunk);
      offset += chunk.length;
    } while (offset < data.length);
  }

  async listDir(path: string): Promise<string[]> {
    return this._listing<string[]>('list', path);
  }

  async readTree(path: string): Promise<TreeEntry[]> {
    const listing = await this._listing<TreeListing[]>('tree', path);
    const base = path.replace(/\/+$/, '');
    const entries: TreeEntry[] = [];
    for (const entry of listing) {
      entries.push(entry.kind === 'file' ? { ...entry, data: await this.readFile(`${base}${entry.path}`) } : entry);
    }
    return entries;
  }

  /** A listing's JSON, read chunk by chunk (a big directory or a deep tree does not fit one answer). */
  private async _listing<T>(op: 'list' | 'tree', path: string): Promise<T> {
    const first = await this._call({ op, path, offset: 0 });
    const size = first.size ?? first.data.length;
    const bytes = new Uint8Array(size);
    bytes.set(first.data);
    for (let offset = first.data.length; offset < size;) {
      const next = await this._call({ op, path, offset });
      if (next.data.length === 0) throw new Error('the listing changed while it was read');
      bytes.set(next.data, offset);
      offset += next.data.length;
    }
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  }

  private async _call(request: MailboxRequest, data?: Uint8Array) {
    const { response, data: reply } = await this._mailbox.request(request, data);
    if (!response.ok) throw new Error(response.message);
    return { ...response, data: reply };
  }
}
