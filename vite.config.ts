import { defineConfig } from 'vitest/config';

// One config for the widget build (added with the widget) and both test projects:
// server code never loads jsdom, widget code never sees Node globals.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/widget/**', 'test/e2e/**'],
        },
      },
      {
        test: {
          name: 'widget',
          environment: 'jsdom',
          include: ['test/widget/**/*.test.{ts,tsx}'],
        },
      },
    ],
  },
});
