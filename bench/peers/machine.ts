// The machine a benchmark ran on: cores, memory, OS, Node and Chromium.
import { readFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly nodeV8: string;
  readonly chromium: string;
  readonly date: string;
}

export async function machineDescription(chromium: string): Promise<Machine> {
  let os = `${process.platform} ${release()}`;
  try {
    const name = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(await readFile('/etc/os-release', 'utf8'))?.[1];
    if (name) os = `${name}, ${process.platform} ${release()}`;
  } catch {
    // not Linux
  }
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os,
    node: process.version,
    nodeV8: process.versions.v8,
    chromium,
    date: new Date().toISOString(),
  };
}
