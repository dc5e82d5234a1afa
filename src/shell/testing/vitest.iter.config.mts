import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: ['src/shell/**/*.test.ts'], testTimeout: 10000 } });
