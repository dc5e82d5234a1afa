#!/usr/bin/env node
// `npx flotilla …`: builds what is missing (images, the worker bundle),
// then runs the TypeScript CLI through tsx.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { buildAll } = await import(pathToFileURL(join(root, 'scripts/build.mjs')).href);
await buildAll({ quiet: true });
const { register } = await import('tsx/esm/api');
register();
const { main } = await import(pathToFileURL(join(root, 'src/cli/main.ts')).href);
process.exitCode = await main(process.argv.slice(2));
