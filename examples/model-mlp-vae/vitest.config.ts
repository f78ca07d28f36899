import { defineConfig } from 'vitest/config';

// Inside the tame repository, '@tame/source' resolves @tame/* to their sources, so no build is needed first.
// A plugin in its own repository leaves `conditions` out and tests against the published @tame/core.
const conditions = ['@tame/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { include: ['src/**/*.test.ts'] },
});
