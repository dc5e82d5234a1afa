// Timings of the ruby driver in Node (not a vitest file): compile of
// ruby+stdlib.wasm, then runs of `ruby -e 'puts 1'` (instantiate + boot +
// run), each over a fresh WasiProcess and ContainerFs.
//   npx tsx tests/ruby/timings.mts [runs]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ContainerFs } from '../../src/fs/ContainerFs';
import { WasiProcess } from '../../src/wasi';
import { BufferInput, CollectOutput, SleepWaiter } from '../../src/wasi/testing/fakes';
import { runRuby } from '../../src/workers/drivers/ruby';

const bytes = readFileSync(createRequire(import.meta.url).resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm'));
let t = performance.now();
const module = await WebAssembly.compile(bytes);
console.log(`compile: ${(performance.now() - t).toFixed(0)} ms (${(bytes.length / 1e6).toFixed(1)} MB)`);

async function run(argv: string[]): Promise<[number, string]> {
  const stdout = new CollectOutput();
  const fs = new ContainerFs();
  fs.mkdirp('/tmp');
  const wasi = new WasiProcess({
    args: argv, env: ['PATH=/usr/local/bin'], preopens: [{ guestPath: '/', dir: fs.root }],
    stdin: new BufferInput(''), stdout, stderr: new CollectOutput(), waiter: new SleepWaiter(), checkSignals: () => {},
  });
  const start = performance.now();
  const status = await runRuby(module, wasi, argv);
  if (status !== 0) throw new Error(`status ${status}`);
  return [performance.now() - start, stdout.text()];
}

const runs = Number(process.argv[2] ?? 5);
for (let i = 0; i < runs; i++) {
  const [ms, out] = await run(['ruby', '-e', 'puts 1']);
  console.log(`run ${i + 1} (puts 1): ${ms.toFixed(0)} ms ${JSON.stringify(out)}`);
}
const [ms] = await run(['ruby', '-e', 'require "json"; puts JSON.generate([1])']);
console.log(`require "json": ${ms.toFixed(0)} ms`);
t = performance.now();
const boot = await run(['ruby', '-v']);
console.log(`ruby -v (no ruby_options past the version): ${boot[0].toFixed(0)} ms; total ${(performance.now() - t).toFixed(0)}`);
