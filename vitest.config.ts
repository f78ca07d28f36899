import { defineConfig } from 'vitest/config';

// Tests run from source: the '@tame/source' export condition resolves sibling packages to src/.
// TEST_DIST=1 tests the built dist/ instead (run `npm run build` first).
const conditions = process.env.TEST_DIST ? [] : ['@tame/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    setupFiles: ['./tooling/vitest/setup-tfjs.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
