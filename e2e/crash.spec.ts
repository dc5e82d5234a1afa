import { expect, test } from './fixtures';

test('a trap through the UI shows a trapped exit status, and the page keeps working', async ({ playground }) => {
  const { page, output, exitStatus } = playground;
  await playground.run('crash', 'trap', { openStdin: false });
  await expect(exitStatus).toHaveAttribute('data-exit-reason', 'trapped');
  await expect(exitStatus).toContainText('Trapped');
  expect(await playground.exitCode()).toBeGreaterThan(0);
  await expect(page.locator('#containers-body tr[data-state="exited"]').filter({ hasText: 'crash' })).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('trap.png'), fullPage: true });

  await playground.run('hello', 'after the trap');
  await expect(exitStatus).toHaveAttribute('data-exit-code', '0');
  await expect(output).toContainText('argv[3]=trap');
});

test('a trap through window.flotilla leaves other containers running', async ({ playground: { page } }) => {
  const result = await page.evaluate(async () => {
    const rt = window.flotilla!;
    // A bystander that waits on stdin the whole time.
    const bystander = await rt.run('interactive', { openStdin: true, name: 'bystander' });
    const crash = await rt.run('crash', { args: ['trap'] });
    const trapped = await crash.wait();
    const bystanderState = bystander.state;

    bystander.stdin.write('still here\n');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bystander said ${JSON.stringify(bystander.output())}`)), 15_000);
      const check = () => {
        if (bystander.output().includes('you said: still here')) {
          clearTimeout(timer);
          resolve();
        }
      };
      bystander.onLog(check);
      check();
    });
    bystander.stdin.close();
    const bystanderStatus = await bystander.wait();

    const hello = await rt.run('hello', { args: ['after'] });
    const helloStatus = await hello.wait();
    return {
      trapped: { reason: trapped.reason, exitCode: trapped.exitCode, message: trapped.message ?? '', state: crash.state },
      bystanderState,
      bystanderExit: bystanderStatus.exitCode,
      helloExit: helloStatus.exitCode,
    };
  });
  expect(result.trapped.reason).toBe('trapped');
  expect(result.trapped.exitCode).toBeGreaterThan(0);
  expect(result.trapped.message).not.toBe('');
  expect(['exited', 'dead']).toContain(result.trapped.state);
  expect(result.bystanderState).toBe('running');
  expect(result.bystanderExit).toBe(0);
  expect(result.helloExit).toBe(0);
});
