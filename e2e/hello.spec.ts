import { expect, test } from './fixtures';

test('hello through the UI: arguments in, output and exit status out', async ({ playground }) => {
  const { page, output, exitStatus } = playground;
  await playground.run('hello', `alpha "beta gamma" --stderr 'to stderr'`);

  await expect(exitStatus).toHaveAttribute('data-exit-code', '0');
  await expect(exitStatus).toHaveAttribute('data-exit-reason', 'exited');
  await expect(exitStatus).toContainText('Exited with code 0');
  await expect(output).toContainText('Hello from Flotilla!');
  await expect(output).toContainText('argv[1]=alpha');
  await expect(output).toContainText('argv[2]=beta gamma');
  await expect(output).toContainText('env[1]=GREETING=Hello from Flotilla');
  // stderr is shown, and apart from stdout.
  await expect(output.locator('.stderr')).toHaveText('to stderr\n');
  await expect(output.locator('.stdout').first()).not.toHaveText(/^to stderr$/m); // only as argv[4]

  await playground.run('hello', '--exit 3');
  await expect(exitStatus).toHaveAttribute('data-exit-code', '3');
  await expect(exitStatus).toContainText('Exited with code 3');
  await expect(output).toContainText('argv[1]=--exit');
  await expect(output).not.toContainText('argv[1]=alpha'); // the view shows the new run only

  // Both runs are in the containers list, exited.
  const rows = page.locator('#containers-body tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'hello' }).and(page.locator('[data-state="exited"]'))).toHaveCount(2);

  await page.screenshot({ path: test.info().outputPath('hello.png'), fullPage: true });
});

test('hello through window.flotilla', async ({ playground: { page } }) => {
  const result = await page.evaluate(async () => {
    const rt = window.flotilla!;
    const events: string[] = [];
    const off = rt.onEvent((event) => {
      if (event.type !== 'log') events.push(event.type);
    });
    const ok = await rt.run('hello', { args: ['one', 'two words'], env: { E2E_VAR: 'set by the test' }, name: 'hello-api' });
    const okStatus = await ok.wait();
    const failing = await rt.run('hello', { args: ['--exit', '3'] });
    const failStatus = await failing.wait();
    off();
    return {
      ok: { exitCode: okStatus.exitCode, reason: okStatus.reason, stdout: ok.output({ stdout: true, stderr: false }), state: ok.state },
      fail: { exitCode: failStatus.exitCode, reason: failStatus.reason, state: failing.state },
      byName: rt.get('hello-api').id === ok.id,
      listed: rt.list({ all: true }).map((c) => c.name),
      events,
    };
  });
  expect(result.ok).toMatchObject({ exitCode: 0, reason: 'exited', state: 'exited' });
  expect(result.ok.stdout).toContain('Hello from Flotilla!\nargc=3\n');
  expect(result.ok.stdout).toContain('argv[1]=one\nargv[2]=two words\n');
  expect(result.ok.stdout).toMatch(/^env\[\d+\]=E2E_VAR=set by the test$/m);
  expect(result.ok.stdout).toMatch(/^env\[\d+\]=GREETING=Hello from Flotilla$/m);
  expect(result.fail).toEqual({ exitCode: 3, reason: 'exited', state: 'exited' });
  expect(result.byName).toBe(true);
  expect(result.listed).toEqual(expect.arrayContaining(['hello-api']));
  expect(result.events).toEqual(expect.arrayContaining(['created', 'started', 'exited']));

  // The containers panel followed the API's containers too.
  await expect(page.locator('#containers-body tr[data-name="hello-api"]')).toHaveAttribute('data-state', 'exited');
});
