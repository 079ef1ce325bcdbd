import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` needs nothing (no Java, no browser) and runs in seconds (`npm run test:unit`); `system`
 * starts one DynamoDB Local for the run (every test file makes its own table) and holds the integration, infra,
 * end-to-end and browser tests. `npm test` runs both.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    pool: 'forks',
    // Two cores: more workers only queue behind the one Java process.
    maxWorkers: 2,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest.json' }]],
    // Tests run on Node 20 on purpose (Lambda runs Node 22); the SDK's notice about Node 22 is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
