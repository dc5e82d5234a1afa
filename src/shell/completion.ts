// Tab completion: finds the word before the cursor (respecting quotes and
// operators), then offers command names in command position and paths
// elsewhere.

import { BUILTINS } from './builtins/index';
import type { ShellHost } from './host';
import { joinPath, resolvePath } from './paths';
import type { ShellState } from './state';

const SEPARATORS = new Set([';', '&', '|', '(', ')', '\n']);
const REDIRECTS = new Set(['<', '>']);
const KEYWORDS_BEFORE_COMMAND = new Set(['then', 'else', 'elif', 'do', 'if', 'while', 'until', '!', '{', 'time', 'exec', 'command', 'sudo']);

interface WordAtCursor {
  /** The word's text with quotes removed. */
  prefix: string;
  commandPosition: boolean;
}

/** Scans the line up to the cursor like the lexer would, keeping track of where the last word started. */
function wordAtCursor(before: string): WordAtCursor {
  let words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  let afterRedirect = false;
  let lastRedirect = false;
  for (let i = 0; i < before.length; i++) {
    const ch = before[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < before.length) cur += before[++i];
      else cur += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < before.length) {
      cur += before[++i];
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) {
        words.push(cur);
        lastRedirect = afterRedirect;
        afterRedirect = false;
      }
      cur = '';
      inWord = false;
    } else if (SEPARATORS.has(ch)) {
      words = [];
      cur = '';
      inWord = false;
    } else if (REDIRECTS.has(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      afterRedirect = true;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  void lastRedirect;
  const commandWords = words.filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  const commandPosition = !afterRedirect && commandWords.every((w) => KEYWORDS_BEFORE_COMMAND.has(w));
  return { prefix: cur, commandPosition };
}

/** Backslash-escapes what the lexer would otherwise split or expand (a leading ~ only when it is a file name). */
function escapeWord(word: string, fromUser = ''): string {
  const escaped = word.replace(/[\s'"\\$`&|;<>()*?[\]#!{}]/g, '\\$&');
  return fromUser === '' && escaped.startsWith('~') ? '\\' + escaped : escaped;
}

export function complete(line: string, cursor: number, state: ShellState, host: ShellHost): string[] {
  const { prefix, commandPosition } = wordAtCursor(line.slice(0, cursor));
  const found = new Set<string>();
  if (commandPosition && !prefix.includes('/')) {
    const names = [...BUILTINS.keys(), ...state.functions.keys(), ...state.aliases.keys()];
    for (const dir of (state.get('PATH') ?? '').split(':')) {
      if (!dir) continue;
      try {
        for (const e of host.readdir(dir)) {
          if (!e.startsWith(prefix)) continue;
          const st = host.stat(joinPath(dir, e));
          if (st?.kind === 'file' && (st.mode & 0o111) !== 0) names.push(e);
        }
      } catch {
        // A PATH entry that does not exist.
      }
    }
    for (const n of names) if (n.startsWith(prefix)) found.add(escapeWord(n));
  } else {
    const slash = prefix.lastIndexOf('/');
    const dirPart = slash < 0 ? '' : prefix.slice(0, slash + 1);
    const namePart = prefix.slice(slash + 1);
    let dir = dirPart;
    if (dir.startsWith('~')) dir = (state.get('HOME') ?? '/') + dir.slice(1);
    let entries: string[] = [];
    try {
      entries = host.readdir(resolvePath(state.cwd, dir || '.'));
    } catch {
      entries = [];
    }
    for (const e of entries) {
      if (!e.startsWith(namePart) || (e.startsWith('.') && !namePart.startsWith('.'))) continue;
      const st = host.stat(resolvePath(state.cwd, joinPath(dir || '.', e)));
      if (commandPosition && st?.kind === 'file' && (st.mode & 0o111) === 0) continue;
      found.add(escapeWord(dirPart, 'typed') + escapeWord(e, dirPart) + (st?.kind === 'directory' ? '/' : ''));
    }
  }
  return [...found].sort();
}
