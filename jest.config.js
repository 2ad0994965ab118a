/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: {
            legacyDecorator: true,
            decoratorMetadata: true,
            useDefineForClassFields: false,
          },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['reflect-metadata', '<rootDir>/test/support/strict-rows.ts'],
  testTimeout: 60_000,
  // Each test file gets its own database. Three workers on the 2-core machines: the files spend
  // part of their time waiting (for jobs, mail, live events), and a third keeps the cores busy
  // meanwhile (bench/README.md, "Test time").
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 3,
};
