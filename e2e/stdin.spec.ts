import { expect, test } from './fixtures';

test('interactive through the UI: lines to stdin, EOF ends it', async ({ playground }) => {
  const { page, output, exitStatus, stdin } = playground;
  await playground.run('interactive', '', { openStdin: true });
  await expect(exitStatus).toHaveAttribute('data-state', 'running');
  await expect(stdin).toBeEnabled();

  await stdin.fill('hello there');
  await stdin.press('Enter');
  await expect(output).toContainText('you said: hello there');
  await expect(stdin).toHaveValue('');

  await stdin.fill('second line');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(output).toContainText('you said: second line');
  await expect(exitStatus).toHaveAttribute('data-state', 'running'); // still waiting for input

  await page.getByRole('button', { name: 'Close stdin (EOF)' }).click();
  await expect(exitStatus).toHaveAttribute('data-exit-code', '0');
  await expect(stdin).toBeDisabled();
  await page.screenshot({ path: test.info().outputPath('interactive.png'), fullPage: true });
});

test('interactive through window.flotilla: stdin.write and stdin.close', async ({ playground: { page } }) => {
  const result = await page.evaluate(async () => {
    const rt = window.flotilla!;
    const c = await rt.run('interactive', { openStdin: true });
    const seen = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (c.output().includes(text)) {
            off();
            clearTimeout(timer);
            resolve();
          }
        };
        const off = c.onLog(check);
        const timer = setTimeout(() => (off(), reject(new Error(`no "${text}" in ${JSON.stringify(c.output())}`))), 15_000);
        check();
      });
    c.stdin.write('first\n');
    await seen('you said: first');
    const stateBetween = c.state;
    c.stdin.write(new TextEncoder().encode('second\nthird\n'));
    await seen('you said: third');
    c.stdin.close();
    const status = await c.wait();

    // Initial stdin without openStdin: the program reads it, then EOF.
    const once = await rt.run('interactive', { stdin: 'from options\n' });
    const onceStatus = await once.wait();
    return {
      stateBetween,
      exitCode: status.exitCode,
      stdout: c.output({ stdout: true, stderr: false }),
      once: { exitCode: onceStatus.exitCode, stdout: once.output({ stdout: true, stderr: false }) },
    };
  });
  expect(result.stateBetween).toBe('running');
  expect(result.exitCode).toBe(0);
  // "> " prompts, then "you said: LINE (line N)" per line, "bye: …" at EOF.
  const said = [...result.stdout.matchAll(/you said: (.*) \(line (\d+)\)/g)].map((m) => `${m[2]}:${m[1]}`);
  expect(said).toEqual(['1:first', '2:second', '3:third']);
  expect(result.stdout).toContain('bye: 3 lines');
  expect(result.once.exitCode).toBe(0);
  expect(result.once.stdout).toContain('you said: from options');
});
