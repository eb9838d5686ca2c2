import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The web app's component tests: a DOM (happy-dom) instead of Node, apart from the root config
// whose tests need PostgreSQL and Redis. scripts/test.sh runs both and counts both.
export default defineConfig({
  plugins: [react()],
  test: {
    root: import.meta.dirname,
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    setupFiles: ['src/test/setup.ts'],
    testTimeout: 15_000,
  },
});
