import { defineConfig } from 'tsup';

// ESM only, with .d.ts: what tame's own packages ship, and what publint and are-the-types-wrong check.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
