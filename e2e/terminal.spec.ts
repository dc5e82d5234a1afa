// The learner's terminal: type into the real xterm.js with the keyboard,
// read its buffer. Each test boots its own playground (a shell in a fresh
// base container).
import { expect, openPlayground, PROMPT, term, test } from './terminal/helpers';

test('the page opens a shell in a base container', async ({ terminal, page }) => {
  const hook = await page.evaluate(() => {
    const t = window.flotillaTerminals![0];
    return { name: t.containerName, state: t.state, active: t.active, columns: t.columns, rows: t.rows };
  });
  expect(hook).toMatchObject({ name: 'shell-1', state: 'ready', active: true });
  expect(hook.columns).toBeGreaterThan(40);
  expect(hook.rows).toBeGreaterThan(10);
  expect(await terminal.lastLine()).toMatch(PROMPT);
  const info = await page.evaluate(() => window.flotilla!.list().map((c) => ({ name: c.name, image: c.image, state: c.state })));
  expect(info).toContainEqual({ name: 'shell-1', image: 'base', state: 'running' });
  const timing = await page.evaluate(() => window.flotillaTiming!);
  expect(timing.promptShownAt).toBeGreaterThan(timing.pageStart);
});

test('a pipeline', async ({ terminal }) => {
  expect(await terminal.run('echo hello | cat')).toBe('hello');
});

test('redirection to a file, then cat', async ({ terminal }) => {
  expect(await terminal.run('echo "written by the shell" > note.txt')).toBe('');
  expect(await terminal.run('cat note.txt')).toBe('written by the shell');
  expect(await terminal.run('echo more >> note.txt; cat note.txt')).toBe('written by the shell\nmore');
});

test('ls -l', async ({ terminal }) => {
  await terminal.run('echo abc > file.txt; mkdir dir');
  const out = await terminal.run('ls -l');
  expect(out).toMatch(/^-[rwx-]{9}\s+1\s+\S+\s+\S+\s+4\s.*\sfile\.txt$/m);
  expect(out).toMatch(/^d[rwx-]{9}\s.*\sdir$/m);
});

test('Ctrl-C stops sleep 100: the prompt returns and $? is 130', async ({ terminal, page }) => {
  const before = await terminal.promptCount();
  await terminal.focus();
  await page.keyboard.type('sleep 100');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  expect(await terminal.promptCount()).toBe(before); // still sleeping
  const started = Date.now();
  await page.keyboard.press('Control+C');
  await terminal.waitForPrompt(before, 5_000);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(await terminal.text()).toContain('^C');
  expect(await terminal.run('echo $?')).toBe('130');
});

test('Ctrl-C at the prompt drops the line', async ({ terminal, page }) => {
  const before = await terminal.promptCount();
  await terminal.focus();
  await page.keyboard.type('echo never printed');
  await page.keyboard.press('Control+C');
  await terminal.waitForPrompt(before);
  expect(await terminal.text()).not.toMatch(/^never printed$/m);
  expect(await terminal.run('echo after')).toBe('after');
});

test('history: ArrowUp recalls the previous command', async ({ terminal, page }) => {
  expect(await terminal.run('echo first-command')).toBe('first-command');
  expect(await terminal.run('echo second-command')).toBe('second-command');
  await terminal.focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => terminal.lastLine()).toMatch(/[#$] echo first-command$/);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => terminal.lastLine()).toMatch(/[#$] echo second-command$/);
  const before = await terminal.promptCount();
  await page.keyboard.press('Enter');
  await terminal.waitForPrompt(before);
  expect((await terminal.text()).match(/^second-command$/gm)).toHaveLength(2);
  // Saved in the container, for the next terminal on it.
  await expect
    .poll(() => page.evaluate(async () => new TextDecoder().decode(await window.flotilla!.get('shell-1').readFile('/root/.sh_history'))))
    .toBe('echo first-command\necho second-command\n');
});

test('line editing: arrows, Home/End, Backspace, Ctrl-U/W', async ({ terminal, page }) => {
  await terminal.focus();
  await page.keyboard.type('eco wrld');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('h');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type('o');
  await expect.poll(() => terminal.lastLine()).toMatch(/[#$] echo world$/);
  const before = await terminal.promptCount();
  await page.keyboard.press('Enter');
  await terminal.waitForPrompt(before);
  expect(await terminal.text()).toMatch(/^world$/m);
  await page.keyboard.type('echo one two three');
  await page.keyboard.press('Control+W');
  await page.keyboard.press('Backspace');
  await expect.poll(() => terminal.lastLine()).toMatch(/[#$] echo one two$/);
  await page.keyboard.press('Control+U');
  await expect.poll(() => terminal.lastLine()).toMatch(/[#$]$/);
  expect(await terminal.run('echo clean')).toBe('clean');
});

test('tab completion: a command and a path', async ({ terminal, page }) => {
  await terminal.focus();
  await page.keyboard.type('ec');
  await page.keyboard.press('Tab');
  await expect.poll(() => terminal.lastLine()).toMatch(/[#$] echo$/);
  await page.keyboard.type('completed');
  const before = await terminal.promptCount();
  await page.keyboard.press('Enter');
  await terminal.waitForPrompt(before);
  expect(await terminal.text()).toMatch(/^completed$/m);

  await page.keyboard.type('cat /etc/os-rel');
  await page.keyboard.press('Tab');
  await expect.poll(() => terminal.lastLine()).toMatch(/[#$] cat \/etc\/os-release$/);
  const count = await terminal.promptCount();
  await page.keyboard.press('Enter');
  await terminal.waitForPrompt(count);
  expect(await terminal.text()).toMatch(/^NAME=/m);

  // A directory completes with its slash and no space.
  await page.keyboard.type('ls /us');
  await page.keyboard.press('Tab');
  await expect.poll(() => terminal.lastLine()).toMatch(/[#$] ls \/usr\/$/);
  await page.keyboard.press('Control+U');
});

test('a script with a loop', async ({ terminal }) => {
  await terminal.run(`printf 'for i in 1 2 3; do\\n  echo "line $i"\\ndone\\n' > loop.sh`);
  expect(await terminal.run('cat loop.sh')).toBe('for i in 1 2 3; do\n  echo "line $i"\ndone');
  expect(await terminal.run('sh loop.sh')).toBe('line 1\nline 2\nline 3');
});

test('ruby -e runs Ruby from the shell', async ({ terminal }) => {
  test.setTimeout(120_000);
  // The first ruby compiles CRuby's module: give it time.
  expect(await terminal.run(`ruby -e 'puts 6*7'`, { timeout: 90_000 })).toBe('42');
});

test('resizing the page changes the terminal size seen by new programs', async ({ terminal, page }) => {
  const first = await terminal.size();
  expect(await terminal.run(`sh -c 'echo $COLUMNS $LINES'`)).toBe(`${first.columns} ${first.rows}`);
  await page.setViewportSize({ width: 1050, height: 600 });
  await expect.poll(async () => (await terminal.size()).columns).toBeLessThan(first.columns);
  const second = await terminal.size();
  expect(await terminal.run(`sh -c 'echo $COLUMNS $LINES'`)).toBe(`${second.columns} ${second.rows}`);
});

test('keystrokes echo synchronously and are counted for benchmarks', async ({ terminal, page }) => {
  await terminal.focus();
  const before = await page.evaluate(() => window.flotillaTerminals![0].echoCount);
  await page.keyboard.type('abc');
  await expect.poll(() => page.evaluate(() => window.flotillaTerminals![0].echoCount)).toBe(before + 3);
  // parsedAt is set once xterm.js has parsed the echo (its write callback).
  await expect.poll(() => page.evaluate(() => window.flotillaTerminals![0].echoes().slice(-3).every((e) => Number.isFinite(e.parsedAt)))).toBe(true);
  const echoes = await page.evaluate(() => window.flotillaTerminals![0].echoes().slice(-3));
  for (const echo of echoes) {
    expect(echo.keyAt).toBeLessThanOrEqual(echo.echoedAt);
    expect(echo.echoedAt).toBeLessThanOrEqual(echo.parsedAt);
  }
  await page.keyboard.press('Control+U');
});

test('+ opens another shell in a new container; closing its tab removes it', async ({ terminal, page }) => {
  await terminal.run('echo in-the-first > /root/mine.txt');
  await page.getByRole('button', { name: 'New terminal' }).click();
  await expect(page.locator('.term-pane[data-terminal-ready="true"]')).toHaveCount(2, { timeout: 30_000 });
  const second = term(page, 1);
  await second.waitForPrompt(0);
  expect(await page.evaluate(() => window.flotillaTerminals!.map((t) => [t.containerName, t.active]))).toEqual([
    ['shell-1', false],
    ['shell-2', true],
  ]);
  // A separate container: its own file system.
  expect(await second.run('cat /root/mine.txt')).toMatch(/No such file or directory/);
  await page.getByRole('button', { name: 'Close shell-2' }).click();
  await expect.poll(() => page.evaluate(() => window.flotillaTerminals!.length)).toBe(1);
  await expect.poll(() => page.evaluate(() => window.flotilla!.list({ all: true }).map((c) => c.name))).toEqual(['shell-1']);
  expect(await terminal.run('cat /root/mine.txt')).toBe('in-the-first');
});

test('a tab can attach to a running container’s terminal', async ({ terminal, page }) => {
  await page.getByRole('button', { name: 'Attach', exact: true }).first().click();
  await page.getByRole('menuitem', { name: /^shell-1/ }).click();
  await expect.poll(() => page.evaluate(() => window.flotillaTerminals!.length)).toBe(2);
  const attached = term(page, 1);
  const before = await attached.promptCount();
  await attached.focus();
  await page.keyboard.press('Enter');
  await attached.waitForPrompt(before);
  expect(await attached.run('echo from-the-attached-tab')).toBe('from-the-attached-tab');
  // The same shell: the first tab saw its output too (not the other tab's local echo).
  await terminal.waitFor(/from-the-attached-tab/);
  // Closing an attached tab leaves the container running.
  await page.locator('.term-tab-item.active .term-close').click();
  await expect.poll(() => page.evaluate(() => window.flotillaTerminals!.length)).toBe(1);
  expect(await page.evaluate(() => window.flotilla!.get('shell-1').state)).toBe('running');
});

test('the terminal survives a reload of the page with a fresh shell', async ({ page }) => {
  const t = await openPlayground(page);
  expect(await t.run('echo ok')).toBe('ok');
});

test('a tty container started elsewhere is attachable from the containers list', async ({ terminal, page }) => {
  await page.evaluate(async () => void (await window.flotilla!.run('base', { tty: true, name: 'api-shell' })));
  // The terminal tabs' own shells are not in the list; this one is, with an Attach button.
  await expect(page.locator('#containers-body tr[data-name="shell-1"]')).toHaveCount(0);
  await page.getByRole('button', { name: 'Attach to api-shell' }).click();
  await expect.poll(() => page.evaluate(() => window.flotillaTerminals!.map((t) => t.containerName))).toEqual(['shell-1', 'api-shell']);
  const attached = term(page, 1);
  await attached.focus();
  const before = await attached.promptCount();
  await page.keyboard.press('Enter');
  await attached.waitForPrompt(before);
  expect(await attached.run('hostname; echo $HOME')).toMatch(/\/root$/);
  expect(await terminal.run('echo still-here')).toBe('still-here');
});

test('exit ends the shell: the tab says so', async ({ terminal, page }) => {
  await terminal.focus();
  await page.keyboard.type('exit 3');
  await page.keyboard.press('Enter');
  await terminal.waitFor(/\[exited with code 3 — close this tab, or press \+ for a new shell\]/);
  expect(await page.evaluate(() => window.flotillaTerminals![0].state)).toBe('exited');
  await expect(page.locator('.term-tab-item[data-state="exited"]')).toHaveCount(1);
});

test('a tab can open a new shell inside a running container (exec), with its own terminal', async ({ terminal, page }) => {
  expect(await terminal.run('echo $$ > /tmp/first-shell; echo saved')).toBe('saved');
  await page.getByRole('button', { name: 'Attach', exact: true }).first().click();
  await page.getByRole('menuitem', { name: /new shell in shell-1/ }).click();
  await expect.poll(() => page.evaluate(() => window.flotillaTerminals!.length)).toBe(2);
  const exec = term(page, 1);
  await exec.waitForPrompt(0);
  // Same container (same files), another shell process.
  expect(await exec.run('cat /tmp/first-shell; echo $$; ps | grep -c " sh$"')).toMatch(/^1\n\d+\n2$/);
  // Its output stays in its own tab.
  expect(await terminal.text()).not.toContain('grep -c');
  await page.locator('.term-tab-item.active .term-close').click();
  await expect.poll(() => page.evaluate(() => window.flotillaTerminals!.length)).toBe(1);
  expect(await terminal.run('ps | grep -c " sh$"')).toBe('1');
});
