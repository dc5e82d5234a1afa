// Path resolution with capability confinement. A path is resolved relative to
// a directory handle, one component at a time; the handle's directory is the
// root of what the path may reach (cap-std semantics, as wasmtime):
//  - absolute paths, `..` above the start directory, and symlinks whose target
//    is absolute or climbs out are PERM (wasmtime reports NotPermitted);
//  - symlinks in the middle of a path are always followed, the last component
//    only when asked (LOOKUPFLAGS_SYMLINK_FOLLOW) or when a trailing slash
//    requires a directory; more than MAX_SYMLINKS expansions → LOOP;
//  - a trailing slash requires the result to be a directory (NOTDIR).
import type { FsDirectory, FsNode } from '../fs/types';
import { ERRNO_LOOP, ERRNO_NOENT, ERRNO_NOTDIR, ERRNO_PERM, ERRNO_NAMETOOLONG } from './constants';
import { fail } from './errors';

export const MAX_SYMLINKS = 40;
const MAX_PATH = 4096;

export interface Resolved {
  /** Directory holding the last component (for '.'/'..' endings: the directory itself). */
  readonly dir: FsDirectory;
  /** The last component, or undefined when the path names `dir` itself (ends in '.' or '..', or is '.'). */
  readonly name: string | undefined;
  /** What the path names, or undefined when the last component does not exist. */
  readonly node: FsNode | undefined;
  /** The path ended with '/' (or a followed symlink's target did): the result must be a directory. */
  readonly mustBeDir: boolean;
}

/**
 * Resolves `path` from `start`. Intermediate components must exist (NOENT)
 * and be directories (NOTDIR). The last component may be missing (node undefined).
 */
export function resolvePath(start: FsDirectory, path: string, followFinal: boolean): Resolved {
  if (path.length === 0) fail(ERRNO_NOENT, 'empty path');
  if (path.length > MAX_PATH) fail(ERRNO_NAMETOOLONG);
  if (path.startsWith('/')) fail(ERRNO_PERM, 'absolute path');
  // Stack of directories walked from `start`; its length-1 is the depth below start.
  const stack: FsDirectory[] = [start];
  let queue = splitPath(path);
  let mustBeDir = path.endsWith('/');
  let expansions = 0;

  while (true) {
    const component = queue.shift();
    const last = queue.length === 0;
    const cur = stack[stack.length - 1]!;
    if (component === undefined || component === '.' || component === '..') {
      if (component === '..') {
        if (stack.length === 1) fail(ERRNO_PERM, 'path escapes its directory');
        stack.pop();
      }
      if (!last) continue;
      const dir = stack[stack.length - 1]!;
      return { dir, name: undefined, node: dir, mustBeDir };
    }
    if (cur.removed) fail(ERRNO_NOENT, 'directory was removed');
    const child = cur.lookup(component);
    if (child === undefined) {
      if (!last) fail(ERRNO_NOENT, `no such directory: ${component}`);
      return { dir: cur, name: component, node: undefined, mustBeDir };
    }
    if (child.kind === 'symlink' && (!last || followFinal || mustBeDir)) {
      if (++expansions > MAX_SYMLINKS) fail(ERRNO_LOOP, 'too many symlinks');
      const target = child.target;
      if (target.length === 0) fail(ERRNO_NOENT, 'empty symlink');
      if (target.startsWith('/')) fail(ERRNO_PERM, 'absolute symlink');
      if (last && target.endsWith('/')) mustBeDir = true;
      queue = [...splitPath(target), ...queue];
      if (queue.length === 0) queue = ['.'];
      continue;
    }
    if (last) {
      if (mustBeDir && child.kind !== 'directory') fail(ERRNO_NOTDIR, 'not a directory');
      return { dir: cur, name: component, node: child, mustBeDir };
    }
    if (child.kind !== 'directory') fail(ERRNO_NOTDIR, `not a directory: ${component}`);
    stack.push(child);
  }
}

/** Components without empty ones ('a//b/' → ['a','b']); '.' only when nothing else ('./' → ['.']). */
function splitPath(path: string): string[] {
  const parts = path.split('/').filter((p) => p.length > 0);
  return parts.length === 0 ? ['.'] : parts;
}
