import { describe, expect, it } from 'vitest';
import { LineDiscipline, type HistoryStore } from './LineDiscipline';
import { FakeScreen } from './testing/FakeScreen';
import { FakeTtyDevice } from './testing/fakeDevice';
import { wcwidth } from './wcwidth';

const UP = '\x1b[A';
const DOWN = '\x1b[B';
const RIGHT = '\x1b[C';
const LEFT = '\x1b[D';
const HOME = '\x1b[H';
const END = '\x1b[F';
const DEL = '\x1b[3~';
const BS = '\x7f';

interface Setup {
  ld: LineDiscipline;
  device: FakeTtyDevice;
  screen: FakeScreen;
  written: string[];
  type(data: string): void;
  print(text: string): void;
}

function setup(options: { columns?: number; rows?: number; history?: HistoryStore; prompt?: string } = {}): Setup {
  const columns = options.columns ?? 80;
  const screen = new FakeScreen(columns, options.rows ?? 200);
  const device = new FakeTtyDevice();
  const written: string[] = [];
  const ld = new LineDiscipline({
    device,
    columns,
    history: options.history,
    write: (data) => {
      written.push(data);
      screen.write(data);
    },
  });
  const s: Setup = {
    ld,
    device,
    screen,
    written,
    type: (data) => ld.receive(data),
    print: (text) => ld.output(text),
  };
  if (options.prompt !== undefined) s.print(options.prompt);
  return s;
}

/** Lets pending completions settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

class MemoryHistory implements HistoryStore {
  saved: string[][] = [];
  constructor(
    public entries: string[] = [],
    private readonly delay = 0,
  ) {}
  async load(): Promise<readonly string[]> {
    if (this.delay) await new Promise((r) => setTimeout(r, this.delay));
    return this.entries;
  }
  async save(entries: readonly string[]): Promise<void> {
    this.saved.push([...entries]);
    this.entries = [...entries];
  }
}

/**
 * What the screen must show for `prompt` + `line` starting at row 0, with
 * xterm.js's wrapping rules, and where the cursor must be for `cursor`.
 */
function expectedScreen(prompt: string, line: string, cursor: number, columns: number) {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  const put = (ch: string) => {
    const w = wcwidth(ch.codePointAt(0)!);
    if (col + w > columns) {
      row++;
      col = 0;
      rows[row] = [];
    }
    rows[row][col] = ch;
    if (w === 2) rows[row][col + 1] = '';
    col += w;
  };
  for (const ch of prompt) put(ch);
  const chars = [...line];
  let cur = { x: col, y: row };
  chars.forEach((ch, i) => {
    const w = wcwidth(ch.codePointAt(0)!);
    const start = col + w > columns ? { x: 0, y: row + 1 } : { x: col, y: row };
    if (i === cursor) cur = start;
    put(ch);
  });
  if (cursor >= chars.length) cur = { x: col, y: row };
  const text = rows.map((r) => Array.from({ length: r.length }, (_, i) => r[i] ?? ' ').join('').trimEnd());
  while (text.length > 0 && text[text.length - 1] === '') text.pop();
  return { lines: text, cursor: cur };
}

function expectEditLine(s: Setup, prompt: string, columns: number) {
  const expected = expectedScreen(prompt, s.ld.line, s.ld.cursorIndex, columns);
  expect(s.screen.lines()).toEqual(expected.lines);
  expect(s.screen.cursor).toEqual(expected.cursor);
}

describe('LineDiscipline: echo and submission', () => {
  it('echoes typed characters and sends the line with a newline on Enter', () => {
    const s = setup({ prompt: '$ ' });
    s.type('echo hi');
    expect(s.screen.lines()).toEqual(['$ echo hi']);
    expect(s.device.inputs).toEqual([]);
    s.type('\r');
    expect(s.device.inputs).toEqual(['echo hi\n']);
    expect(s.screen.cursor).toEqual({ x: 0, y: 1 });
    expect(s.ld.line).toBe('');
  });

  it('echoes within receive(), in one write per call', () => {
    const s = setup({ prompt: '$ ' });
    const before = s.written.length;
    s.type('a');
    expect(s.written.length).toBe(before + 1);
    expect(s.written.at(-1)).toBe('a');
  });

  it('reports each echo to onEcho, synchronously', () => {
    const echoes: string[] = [];
    const screen = new FakeScreen(80);
    const ld = new LineDiscipline({ device: new FakeTtyDevice(), write: (d) => screen.write(d), onEcho: (input) => echoes.push(input) });
    ld.receive('x');
    ld.receive(LEFT);
    ld.receive(LEFT); // nothing to do: no echo
    expect(echoes).toEqual(['x', LEFT]);
  });

  it('translates program newlines to CRLF', () => {
    const s = setup();
    s.print('one\ntwo\r\nthree\n$ ');
    expect(s.screen.lines()).toEqual(['one', 'two', 'three', '$']);
    expect(s.screen.cursor).toEqual({ x: 2, y: 3 });
  });

  it('decodes UTF-8 output split between chunks', () => {
    const s = setup();
    const bytes = new TextEncoder().encode('héllo ✓\n');
    s.ld.output(bytes.slice(0, 2));
    s.ld.output(bytes.slice(2, 9));
    s.ld.output(bytes.slice(9));
    expect(s.screen.lines()).toEqual(['héllo ✓']);
  });

  it('sends Enter in the middle of the line as the whole line', () => {
    const s = setup({ prompt: '$ ' });
    s.type(`echo hi${LEFT}${LEFT}\r`);
    expect(s.device.inputs).toEqual(['echo hi\n']);
    expect(s.screen.lines()).toEqual(['$ echo hi']);
    expect(s.screen.cursor).toEqual({ x: 0, y: 1 });
  });

  it('submits each line of a paste in order and keeps the rest in the editor', () => {
    const s = setup({ prompt: '$ ' });
    s.type('echo one\recho two\r\necho three\nech');
    expect(s.device.inputs).toEqual(['echo one\n', 'echo two\n', 'echo three\n']);
    expect(s.ld.line).toBe('ech');
  });

  it('sends empty lines too', () => {
    const s = setup({ prompt: '$ ' });
    s.type('\r\r');
    expect(s.device.inputs).toEqual(['\n', '\n']);
  });

  it('accepts non-ASCII and astral characters', () => {
    const s = setup({ prompt: '$ ' });
    s.type('echo héllo 🙂');
    s.type(LEFT + BS);
    expect(s.ld.line).toBe('echo héllo🙂');
    s.type('\r');
    expect(s.device.inputs).toEqual(['echo héllo🙂\n']);
  });
});

describe('LineDiscipline: editing keys', () => {
  it('inserts at the cursor after Left', () => {
    const s = setup({ prompt: '$ ' });
    s.type(`helo${LEFT}l`);
    expect(s.ld.line).toBe('hello');
    expect(s.screen.lines()).toEqual(['$ hello']);
    expect(s.screen.cursor).toEqual({ x: 6, y: 0 });
  });

  it('moves with Left/Right/Home/End and Ctrl-A/E/B/F, clamped to the line', () => {
    const s = setup({ prompt: '$ ' });
    s.type('abc');
    s.type(HOME);
    expect(s.ld.cursorIndex).toBe(0);
    s.type(LEFT);
    expect(s.ld.cursorIndex).toBe(0);
    s.type(RIGHT);
    expect(s.ld.cursorIndex).toBe(1);
    s.type(END);
    expect(s.ld.cursorIndex).toBe(3);
    s.type(RIGHT);
    expect(s.ld.cursorIndex).toBe(3);
    s.type('\x01');
    expect(s.ld.cursorIndex).toBe(0);
    s.type('\x06\x06');
    expect(s.ld.cursorIndex).toBe(2);
    s.type('\x02');
    expect(s.ld.cursorIndex).toBe(1);
    s.type('\x05');
    expect(s.ld.cursorIndex).toBe(3);
    expectEditLine(s, '$ ', 80);
  });

  it('understands every Home/End/arrow variant xterm sends', () => {
    const s = setup({ prompt: '$ ' });
    s.type('abcd');
    for (const [home, end] of [
      ['\x1bOH', '\x1bOF'],
      ['\x1b[1~', '\x1b[4~'],
      ['\x1b[7~', '\x1b[8~'],
      [HOME, END],
    ]) {
      s.type(home);
      expect(s.ld.cursorIndex).toBe(0);
      s.type(end);
      expect(s.ld.cursorIndex).toBe(4);
    }
    s.type('\x1bOD\x1bOD');
    expect(s.ld.cursorIndex).toBe(2);
    s.type('\x1bOC');
    expect(s.ld.cursorIndex).toBe(3);
  });

  it('deletes with Backspace (DEL and ^H) and Delete', () => {
    const s = setup({ prompt: '$ ' });
    s.type(`abcdef${BS}\b`);
    expect(s.ld.line).toBe('abcd');
    s.type(`${HOME}${DEL}`);
    expect(s.ld.line).toBe('bcd');
    s.type(`${END}${DEL}`);
    expect(s.ld.line).toBe('bcd');
    s.type(`${HOME}${BS}`);
    expect(s.ld.line).toBe('bcd');
    expectEditLine(s, '$ ', 80);
    expect(s.screen.lines()).toEqual(['$ bcd']);
  });

  it('kills with Ctrl-U, Ctrl-K and Ctrl-W, and yanks back with Ctrl-Y', () => {
    const s = setup({ prompt: '$ ' });
    s.type('echo one two  ');
    s.type('\x17');
    expect(s.ld.line).toBe('echo one ');
    s.type('\x19');
    expect(s.ld.line).toBe('echo one two  ');
    s.type(`${LEFT.repeat(5)}\x0b`);
    expect(s.ld.line).toBe('echo one ');
    s.type(`${LEFT}\x15`);
    expect(s.ld.line).toBe(' ');
    expect(s.ld.cursorIndex).toBe(0);
    expectEditLine(s, '$ ', 80);
  });

  it('moves and kills by words with Alt-b/f/d, Alt-Backspace and Ctrl-arrows', () => {
    const s = setup({ prompt: '$ ' });
    s.type('cat some/file.txt');
    s.type('\x1bb');
    expect(s.ld.cursorIndex).toBe('cat some/file.'.length);
    s.type('\x1b[1;5D');
    expect(s.ld.cursorIndex).toBe('cat some/'.length);
    s.type('\x1b[1;5C');
    expect(s.ld.cursorIndex).toBe('cat some/file'.length);
    s.type('\x1bf');
    expect(s.ld.cursorIndex).toBe('cat some/file.txt'.length);
    s.type('\x1b\x7f');
    expect(s.ld.line).toBe('cat some/file.');
    s.type('\x01\x1bd');
    expect(s.ld.line).toBe(' some/file.');
    expectEditLine(s, '$ ', 80);
  });

  it('ignores unknown keys and sequences', () => {
    const s = setup({ prompt: '$ ' });
    s.type('ab\x1b[5~\x1b[2~\x1bOP\x1b[15~\x07\x1b[200~c\x1b[201~\x1b');
    s.type('\x1b');
    expect(s.ld.line).toBe('abc');
    expectEditLine(s, '$ ', 80);
  });
});

describe('LineDiscipline: escape sequences split across chunks', () => {
  const cases: [string, (s: Setup) => void][] = [
    [UP, (s) => expect(s.ld.line).toBe('previous')],
    ['\x1bOA', (s) => expect(s.ld.line).toBe('previous')],
    [DEL, (s) => expect(s.ld.line).toBe('ab')],
    ['\x1b[1;5D', (s) => expect(s.ld.cursorIndex).toBe(0)],
    ['\x1b[1~', (s) => expect(s.ld.cursorIndex).toBe(0)],
  ];
  for (const [sequence, check] of cases) {
    it(`parses ${JSON.stringify(sequence)} at every split point`, () => {
      for (let cut = 1; cut < sequence.length; cut++) {
        const s = setup({ prompt: '$ ' });
        s.type('previous\r');
        s.type(`abc${LEFT}`);
        s.type(`${LEFT}${LEFT}`); // cursor at 0 for DEL/home checks
        if (sequence === DEL) s.type(`${RIGHT}${RIGHT}`);
        s.type(sequence.slice(0, cut));
        s.type(sequence.slice(cut));
        check(s);
        expect(s.ld.line).not.toContain('[');
      }
    });
  }

  it('keeps an incomplete sequence split three ways', () => {
    const s = setup({ prompt: '$ ' });
    s.type('x');
    s.type('\x1b');
    s.type('[');
    s.type('D');
    s.type('y');
    expect(s.ld.line).toBe('yx');
  });

  it('reads ESC then a letter as Alt+letter and ESC ESC as Escape', () => {
    const s = setup({ prompt: '$ ' });
    s.type('one two');
    s.type('\x1b');
    s.type('b');
    expect(s.ld.cursorIndex).toBe(4);
    s.type('\x1b\x1b[Dz');
    expect(s.ld.line).toBe('onez two');
  });

  it('keeps astral characters split between surrogates', () => {
    const s = setup({ prompt: '$ ' });
    const smile = '🙂';
    s.type(smile[0]);
    s.type(smile[1]);
    expect(s.ld.line).toBe(smile);
  });
});

describe('LineDiscipline: signals and end of file', () => {
  it('Ctrl-C echoes ^C, drops the line and sends SIGINT', () => {
    const s = setup({ prompt: '$ ' });
    s.type('sleep 100');
    s.type('\x03');
    expect(s.device.signals).toEqual([2]);
    expect(s.device.inputs).toEqual([]);
    expect(s.ld.line).toBe('');
    expect(s.screen.lines()).toEqual(['$ sleep 100^C']);
    expect(s.screen.cursor).toEqual({ x: 0, y: 1 });
    // The shell's own newline after ^C would leave a blank line: dropped.
    s.print('\n$ ');
    expect(s.screen.lines()).toEqual(['$ sleep 100^C', '$']);
  });

  it('Ctrl-C while a program runs, then the prompt comes back', () => {
    const s = setup({ prompt: '$ ' });
    s.type('sleep 100\r');
    s.type('\x03');
    s.print('$ ');
    expect(s.screen.lines()).toEqual(['$ sleep 100', '^C', '$']);
    expect(s.device.signals).toEqual([2]);
  });

  it('Ctrl-\\ sends SIGQUIT', () => {
    const s = setup({ prompt: '$ ' });
    s.type('cat\r\x1c');
    expect(s.device.signals).toEqual([3]);
    expect(s.screen.lines()).toEqual(['$ cat', '^\\']);
  });

  it('Ctrl-D: end of file on an empty line, delete under the cursor otherwise', () => {
    const s = setup({ prompt: '$ ' });
    s.type('\x04');
    expect(s.device.eofs).toBe(1);
    s.type(`abc${LEFT}${LEFT}\x04`);
    expect(s.ld.line).toBe('ac');
    s.type(`${END}\x04`);
    expect(s.ld.line).toBe('ac');
    expect(s.device.eofs).toBe(1);
    expect(s.device.inputs).toEqual([]);
  });

  it('Ctrl-L clears the screen and redraws the prompt and the line', () => {
    const s = setup();
    s.print('lots\nof\noutput\n\x1b[32muser\x1b[0m$ ');
    s.type(`ls -l${LEFT}${LEFT}`);
    s.type('\x0c');
    expect(s.written.at(-1)!.startsWith('\x1b[H\x1b[2J')).toBe(true);
    expect(s.screen.lines()).toEqual(['user$ ls -l']);
    expect(s.screen.cursor).toEqual({ x: 9, y: 0 });
    s.type('X');
    expect(s.ld.line).toBe('ls X-l');
  });
});

describe('LineDiscipline: program output while a line is edited', () => {
  it('type-ahead before the prompt moves after it', () => {
    const s = setup({ prompt: '$ ' });
    s.type('sleep 1\r');
    s.type('ls');
    expect(s.screen.lines()).toEqual(['$ sleep 1', 'ls']);
    s.print('$ ');
    expect(s.screen.lines()).toEqual(['$ sleep 1', '$ ls']);
    expect(s.screen.cursor).toEqual({ x: 4, y: 1 });
    s.type('\r');
    expect(s.device.inputs).toEqual(['sleep 1\n', 'ls\n']);
  });

  it('output lines go above the edited line, which keeps its cursor', () => {
    const s = setup({ prompt: '$ ' });
    s.type(`echo abc${LEFT}${LEFT}`);
    s.print('\r\nbackground job done\n$ ');
    expect(s.screen.lines()).toEqual(['$', 'background job done', '$ echo abc']);
    expect(s.screen.cursor).toEqual({ x: 8, y: 2 });
    s.type('X');
    expect(s.ld.line).toBe('echo aXbc');
    expect(s.screen.lines()).toEqual(['$', 'background job done', '$ echo aXbc']);
  });

  it('a partial output line becomes part of the prompt', () => {
    const s = setup();
    s.print('Name');
    s.print('? ');
    expect(s.ld.currentPrompt).toBe('Name? ');
    s.type('bob');
    s.print(''); // nothing
    expect(s.screen.lines()).toEqual(['Name? bob']);
    s.type(`${HOME}x`);
    expect(s.screen.lines()).toEqual(['Name? xbob']);
    expect(s.screen.cursor).toEqual({ x: 7, y: 0 });
  });

  it('colour sequences in the prompt take no room, even split across chunks', () => {
    const s = setup();
    s.print('\x1b[1;3');
    s.print('2mroot\x1b[0m:\x1b]0;title\x07/# ');
    s.type(`ab${HOME}`);
    expect(s.screen.cursor).toEqual({ x: 8, y: 0 });
    expect(s.screen.lines()).toEqual(['root:/# ab']);
  });

  it('redraws a wrapped edited line below multi-row output', () => {
    const s = setup({ columns: 10, prompt: '$ ' });
    s.type('0123456789abcdef');
    s.type(LEFT.repeat(10));
    s.print('\r\nout\n$ ');
    expect(s.screen.lines()).toEqual(['$', 'out', '$ 01234567', '89abcdef']);
    expect(s.screen.cursor).toEqual({ x: 8, y: 2 });
  });
});

describe('LineDiscipline: narrow terminals and wrapping', () => {
  it('wraps long lines and edits across the wrap', () => {
    const s = setup({ columns: 10, prompt: '$ ' });
    s.type('abcdefghijklmnopqrstuvwxyz');
    expectEditLine(s, '$ ', 10);
    s.type(HOME);
    expect(s.screen.cursor).toEqual({ x: 2, y: 0 });
    s.type('12');
    expectEditLine(s, '$ ', 10);
    expect(s.screen.lines()).toEqual(['$ 12abcdef', 'ghijklmnop', 'qrstuvwxyz']);
    s.type(END);
    expect(s.screen.cursor).toEqual({ x: 10, y: 2 }); // pending wrap after the last column
    s.type(BS.repeat(3));
    expectEditLine(s, '$ ', 10);
    expect(s.screen.lines()).toEqual(['$ 12abcdef', 'ghijklmnop', 'qrstuvw']);
  });

  it('handles a line that exactly fills the row (pending wrap)', () => {
    const s = setup({ columns: 8, prompt: '$ ' });
    s.type('abcdef');
    expect(s.screen.cursor).toEqual({ x: 8, y: 0 });
    s.type(LEFT);
    expectEditLine(s, '$ ', 8);
    s.type(END);
    expectEditLine(s, '$ ', 8);
    s.type('g');
    expect(s.screen.lines()).toEqual(['$ abcdef', 'g']);
    s.type(BS);
    expectEditLine(s, '$ ', 8);
    s.type(BS);
    expectEditLine(s, '$ ', 8);
    s.type('\r');
    expect(s.screen.cursor).toEqual({ x: 0, y: 1 });
    expect(s.device.inputs).toEqual(['abcde\n']);
  });

  it('handles a prompt that ends exactly at the last column', () => {
    const s = setup({ columns: 6, prompt: 'long$ ' });
    expect(s.screen.cursor).toEqual({ x: 6, y: 0 });
    s.type('ab');
    expect(s.screen.lines()).toEqual(['long$', 'ab']);
    s.type(`${HOME}X`);
    expectEditLine(s, 'long$ ', 6);
    s.type(`${UP}`); // no history: nothing
    s.type('\x15');
    expectEditLine(s, 'long$ ', 6);
    s.type('zz');
    s.print('');
    s.print('\r\n!\n$ ');
    expect(s.screen.lines()).toEqual(['long$', '!', '$ zzab']);
  });

  it('wraps wide characters whole', () => {
    const s = setup({ columns: 7, prompt: '$ ' });
    s.type('中文字符');
    expectEditLine(s, '$ ', 7);
    expect(s.screen.lines()).toEqual(['$ 中文', '字符']);
    s.type(`${HOME}a`);
    expectEditLine(s, '$ ', 7);
    s.type(`${END}${BS}${BS}`);
    expectEditLine(s, '$ ', 7);
  });

  it('stays consistent with the screen under random editing (widths 3..13)', () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const keys = ['a', 'b', 'Z', ' ', '中', 'é', LEFT, RIGHT, HOME, END, BS, DEL, '\x0b', '\x15', '\x17', '\x19', '\x1bb', '\x1bf'];
    for (let columns = 3; columns <= 13; columns++) {
      for (const prompt of ['', '$ ', 'prompt> ']) {
        const s = setup({ columns, prompt });
        for (let step = 0; step < 300; step++) {
          const key = keys[random(keys.length)];
          s.type(random(4) === 0 ? key.repeat(3) : key);
          try {
            expectEditLine(s, prompt, columns);
          } catch (error) {
            throw new Error(`columns ${columns}, prompt ${JSON.stringify(prompt)}, step ${step} (${JSON.stringify(key)}), line ${JSON.stringify(s.ld.line)} cursor ${s.ld.cursorIndex}: ${(error as Error).message}`);
          }
        }
      }
    }
  });

  it('stays consistent under random editing interleaved with program output', () => {
    let seed = 777;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const keys = ['x', 'y', '中', ' ', LEFT, RIGHT, HOME, END, BS, DEL, '\x15', '\x0b', UP, DOWN];
    const outputs = ['$ ', 'out\n', 'partial', '\n$ ', '\x1b[32mok\x1b[0m\n# ', 'abcdefghijklmnop', '\r\n'];
    for (let columns = 4; columns <= 12; columns += 4) {
      const s = setup({ columns, prompt: '$ ' });
      for (let step = 0; step < 400; step++) {
        const roll = random(10);
        if (roll === 0) s.print(outputs[random(outputs.length)]);
        else if (roll === 1) s.type(`word${step}\r`);
        else s.type(keys[random(keys.length)]);
        // The current line: the prompt's printable text, then the edited text.
        const prompt = s.ld.currentPrompt.replace(/\x1b\[[0-9;]*m/g, '');
        const expected = expectedScreen(prompt, s.ld.line, s.ld.cursorIndex, columns);
        const top = s.screen.cursor.y - expected.cursor.y;
        const rows = s.screen.lines().slice(top);
        try {
          expect(rows).toEqual(expected.lines);
          expect(s.screen.cursor.x).toBe(expected.cursor.x);
        } catch (error) {
          throw new Error(`columns ${columns}, step ${step}, prompt ${JSON.stringify(prompt)}, line ${JSON.stringify(s.ld.line)}: ${(error as Error).message}`);
        }
      }
    }
  });

  it('follows a resize of the terminal', () => {
    const s = setup({ columns: 20, prompt: '$ ' });
    s.type('abcdefghijkl');
    s.ld.resize(8);
    // What xterm's reflow does: the same text, rewrapped; the cursor at the same character.
    const reflowed = new FakeScreen(8);
    reflowed.write('$ abcdefghijkl');
    s.screen.columns = 8;
    Object.assign(s.screen, { grid: reflowed.grid, x: reflowed.x, y: reflowed.y });
    s.type(`${HOME}X`);
    expectEditLine(s, '$ ', 8);
  });
});

describe('LineDiscipline: history', () => {
  it('recalls previous lines with Up/Down and keeps the line being edited', () => {
    const s = setup({ prompt: '$ ' });
    s.type('one\rtwo\r');
    s.type('dra');
    s.type(UP);
    expect(s.ld.line).toBe('two');
    s.type(UP);
    expect(s.ld.line).toBe('one');
    s.type(UP);
    expect(s.ld.line).toBe('one');
    s.type(DOWN);
    expect(s.ld.line).toBe('two');
    s.type(DOWN);
    expect(s.ld.line).toBe('dra');
    s.type(DOWN);
    expect(s.ld.line).toBe('dra');
    s.type('\x10');
    expect(s.ld.line).toBe('two');
    s.type('\x0e');
    expect(s.ld.line).toBe('dra');
    expect(s.screen.lines()).toEqual(['$ one', 'two', 'dra']);
  });

  it('redraws a recalled line over a longer one, wrapped', () => {
    const s = setup({ columns: 10, prompt: '$ ' });
    s.type('x\r');
    s.print('$ ');
    s.type('a very long line indeed\r');
    s.print('$ ');
    s.type('abcdefghijklmnopqrstu');
    s.type(UP);
    expect(s.screen.lines().slice(-3)).toEqual(['$ a very l', 'ong line i', 'ndeed']);
    s.type(UP);
    expect(s.screen.lines().slice(-1)).toEqual(['$ x']);
    s.type(DOWN + DOWN);
    expect(s.ld.line).toBe('abcdefghijklmnopqrstu');
    expect(s.screen.lines().slice(-3)).toEqual(['$ abcdefgh', 'ijklmnopqr', 'stu']);
  });

  it('runs a recalled line with Enter', () => {
    const s = setup({ prompt: '$ ' });
    s.type('echo $?\r');
    s.type(`${UP}\r`);
    expect(s.device.inputs).toEqual(['echo $?\n', 'echo $?\n']);
  });

  it('skips blank lines and repeats', () => {
    const s = setup({ prompt: '$ ' });
    s.type('a\ra\r \r\rb\ra\r');
    expect(s.ld.historyEntries).toEqual(['a', 'b', 'a']);
  });

  it('keeps at most 500 entries', () => {
    const s = setup({ prompt: '$ ' });
    for (let i = 0; i < 510; i++) s.type(`cmd ${i}\r`);
    expect(s.ld.historyEntries.length).toBe(500);
    expect(s.ld.historyEntries[0]).toBe('cmd 10');
    expect(s.ld.historyEntries[499]).toBe('cmd 509');
  });

  it('loads from and saves to its store', async () => {
    const store = new MemoryHistory(['ls', 'pwd']);
    const s = setup({ prompt: '$ ', history: store });
    await s.ld.historyLoaded;
    s.type(UP);
    expect(s.ld.line).toBe('pwd');
    s.type('\x15echo saved\r');
    await s.ld.historySaved();
    expect(store.saved.at(-1)).toEqual(['ls', 'pwd', 'echo saved']);
  });

  it('keeps lines typed before the store answered, after the stored ones', async () => {
    const store = new MemoryHistory(['old'], 20);
    const s = setup({ prompt: '$ ', history: store });
    s.type('new\r');
    await s.ld.historyLoaded;
    await s.ld.historySaved();
    expect(s.ld.historyEntries).toEqual(['old', 'new']);
    expect(store.entries).toEqual(['old', 'new']);
    s.type(UP + UP);
    expect(s.ld.line).toBe('old');
  });

  it('searches backwards with Ctrl-R', () => {
    const s = setup({ prompt: '$ ' });
    s.type('echo alpha\rls -l\recho beta\rpwd\r');
    s.type('dr');
    s.type('\x12');
    expect(s.screen.lines().at(-1)).toBe("(reverse-i-search)`':");
    s.type('ech');
    expect(s.screen.lines().at(-1)).toBe("(reverse-i-search)`ech': echo beta");
    s.type('\x12');
    expect(s.screen.lines().at(-1)).toBe("(reverse-i-search)`ech': echo alpha");
    s.type('\x12');
    expect(s.screen.lines().at(-1)).toBe("(failed reverse-i-search)`ech': echo alpha");
    s.type(RIGHT); // takes the match, then moves
    expect(s.ld.line).toBe('echo alpha');
    expect(s.ld.cursorIndex).toBe(1);
    expect(s.screen.lines().at(-1)).toBe('echo alpha');
    expect(s.screen.cursor.x).toBe(1);
    s.type(DOWN);
    expect(s.ld.line).toBe('ls -l');
  });

  it('Ctrl-R then Enter runs the match; Ctrl-G gives up', () => {
    const s = setup({ prompt: '$ ' });
    s.type('echo one\rdate\r');
    s.type('keep\x12one\x07');
    expect(s.ld.line).toBe('keep');
    expect(s.screen.lines().at(-1)).toBe('keep');
    expect(s.screen.cursor.x).toBe(4);
    s.type('\x15\x12one\r');
    expect(s.device.inputs.at(-1)).toBe('echo one\n');
    s.type('\x12dat\x7f\x7f\x7fecho');
    expect(s.screen.lines().at(-1)).toBe("(reverse-i-search)`echo': echo one");
    s.type('\x03');
    expect(s.device.signals).toEqual([2]);
    expect(s.ld.line).toBe('');
  });

  it('works when the store fails', async () => {
    const store: HistoryStore = { load: () => Promise.reject(new Error('ENOENT')), save: () => Promise.reject(new Error('EROFS')) };
    const s = setup({ prompt: '$ ', history: store });
    await s.ld.historyLoaded;
    s.type('a\r');
    await s.ld.historySaved();
    expect(s.ld.historyEntries).toEqual(['a']);
  });
});

describe('LineDiscipline: tab completion', () => {
  it('inserts the only candidate and a space', async () => {
    const s = setup({ prompt: '$ ' });
    s.device.completer = () => ['echo'];
    s.type('ec\t');
    expect(s.device.completions).toEqual([{ line: 'ec', cursor: 2 }]);
    await settle();
    expect(s.ld.line).toBe('echo ');
    expect(s.screen.lines()).toEqual(['$ echo']);
    expect(s.screen.cursor).toEqual({ x: 7, y: 0 });
  });

  it('adds no space after a directory', async () => {
    const s = setup({ prompt: '$ ' });
    s.device.completer = () => ['/usr/'];
    s.type('ls /us\t');
    await settle();
    expect(s.ld.line).toBe('ls /usr/');
  });

  it('completes the word at the cursor, in the middle of the line', async () => {
    const s = setup({ prompt: '$ ' });
    s.device.completer = () => ['cat'];
    s.type(`ca file.txt${HOME}${RIGHT}${RIGHT}\t`);
    expect(s.device.completions).toEqual([{ line: 'ca file.txt', cursor: 2 }]);
    await settle();
    expect(s.ld.line).toBe('cat  file.txt');
    expect(s.ld.cursorIndex).toBe(4);
    expectEditLine(s, '$ ', 80);
  });

  it('accepts basenames for a path', async () => {
    const s = setup({ prompt: '$ ' });
    s.device.completer = () => ['loop.sh'];
    s.type('sh ./lo\t');
    await settle();
    expect(s.ld.line).toBe('sh ./loop.sh ');
  });

  it('inserts the shell’s escaped candidates as they are', async () => {
    const s = setup({ prompt: '$ ' });
    s.device.completer = () => ['my\\ file.txt'];
    s.type('cat my\t');
    await settle();
    expect(s.ld.line).toBe('cat my\\ file.txt ');
  });

  it('replaces a word typed differently from the candidate (in quotes)', async () => {
    const s = setup({ prompt: '$ ' });
    s.device.completer = () => ['my\\ file.txt'];
    s.type('cat "my f\t');
    await settle();
    expect(s.ld.line).toBe('cat my\\ file.txt ');
    expectEditLine(s, '$ ', 80);
  });

  it('finds the word after operators and redirections', async () => {
    const s = setup({ prompt: '$ ' });
    s.device.completer = () => ['note.txt'];
    s.type('echo hi>no\t');
    await settle();
    expect(s.ld.line).toBe('echo hi>note.txt ');
  });

  it('inserts the common prefix, then lists the candidates in columns on a second Tab', async () => {
    const s = setup({ columns: 30, prompt: '$ ' });
    // Like the shell: the names that start with the word before the cursor.
    s.device.completer = (line, cursor) => {
      const word = line.slice(0, cursor).split(/[ ;]/).at(-1)!;
      return ['print', 'printf', 'printenv', 'prlimit'].filter((name) => name.startsWith(word));
    };
    s.type('echo x; pr\t');
    await settle();
    expect(s.ld.line).toBe('echo x; pr');
    s.type('i\t');
    await settle();
    expect(s.ld.line).toBe('echo x; print');
    s.type('\t');
    await settle();
    expect(s.screen.lines()).toEqual(['$ echo x; print', 'print     printenv  printf', '$ echo x; print']);
    expect(s.screen.cursor).toEqual({ x: 15, y: 2 });
    s.type('f\r');
    expect(s.device.inputs).toEqual(['echo x; printf\n']);
  });

  it('lists many candidates column by column', async () => {
    const s = setup({ columns: 20, prompt: '$ ' });
    s.device.completer = () => ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    s.type('a\t\t');
    await settle();
    expect(s.screen.lines()).toEqual(['$ a', 'a1  a3  a5  a7', 'a2  a4  a6', '$ a']);
  });

  it('lists path candidates by their last component', async () => {
    const s = setup({ prompt: '$ ' });
    s.device.completer = () => ['/etc/hosts', '/etc/hostname'];
    s.type('cat /etc/ho\t');
    await settle();
    expect(s.ld.line).toBe('cat /etc/host');
    s.type('\t');
    await settle();
    expect(s.screen.lines()).toEqual(['$ cat /etc/host', 'hostname  hosts', '$ cat /etc/host']);
  });

  it('drops a completion that arrives after the line changed', async () => {
    const s = setup({ prompt: '$ ' });
    let answer: (value: string[]) => void = () => undefined;
    s.device.completer = () => new Promise<string[]>((resolve) => (answer = resolve));
    s.type('ec\t');
    s.type('h');
    answer(['echo']);
    await settle();
    expect(s.ld.line).toBe('ech');
  });

  it('survives a failing completer', async () => {
    const s = setup({ prompt: '$ ' });
    s.device.completer = () => Promise.reject(new Error('no'));
    s.type('ec\t');
    await settle();
    expect(s.ld.line).toBe('ec');
  });
});
