// PS1/PS2 expansion: bash's backslash escapes (\u \h \w \W \$ \n ...) and
// $NAME / ${NAME} references.

import type { ShellState } from './state';

export function expandPrompt(ps: string, state: ShellState, now = new Date()): string {
  const user = state.get('USER') ?? 'root';
  const host = state.get('HOSTNAME') ?? 'flotilla';
  const home = state.get('HOME');
  const cwd = state.cwd;
  const w = home && home !== '/' && (cwd === home || cwd.startsWith(home + '/')) ? '~' + cwd.slice(home.length) : cwd;
  let out = '';
  for (let i = 0; i < ps.length; i++) {
    const ch = ps[i];
    if (ch === '$') {
      const ref = paramRef(ps, i);
      if (ref) {
        out += state.get(ref.name) ?? '';
        i = ref.end - 1;
        continue;
      }
    }
    if (ch !== '\\' || i + 1 >= ps.length) {
      out += ch;
      continue;
    }
    const n = ps[++i];
    switch (n) {
      case 'u': out += user; break;
      case 'h': out += host.split('.')[0]; break;
      case 'H': out += host; break;
      case 'w': out += w; break;
      case 'W': out += cwd === '/' ? '/' : w === '~' ? '~' : cwd.slice(cwd.lastIndexOf('/') + 1); break;
      // The container runs as root unless USER says otherwise.
      case '$': out += user === 'root' ? '#' : '$'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'e': out += '\x1b'; break;
      case 'a': out += '\x07'; break;
      case 's': out += 'sh'; break;
      case '\\': out += '\\'; break;
      case '[': case ']': break;
      case 't': out += now.toTimeString().slice(0, 8); break;
      case '0': {
        const digits = /^[0-7]{1,3}/.exec(ps.slice(i))![0];
        out += String.fromCharCode(parseInt(digits, 8));
        i += digits.length - 1;
        break;
      }
      default: out += '\\' + n;
    }
  }
  return out;
}

function paramRef(s: string, at: number): { name: string; end: number } | undefined {
  let i = at + 1;
  const braced = s[i] === '{';
  if (braced) i++;
  const start = i;
  while (i < s.length && /[A-Za-z0-9_]/.test(s[i])) i++;
  if (i === start || /[0-9]/.test(s[start])) return undefined;
  const name = s.slice(start, i);
  if (braced) {
    if (s[i] !== '}') return undefined;
    i++;
  }
  return { name, end: i };
}
