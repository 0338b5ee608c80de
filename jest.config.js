// One jest run, three projects: unit (*.spec.ts beside the code), int (*.int-spec.ts against the
// real PostgreSQL, Redis and NATS) and e2e (the whole platform as processes).
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
}];
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@sluice/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts', '^@sluice/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing.ts' },
  setupFiles: ['<rootDir>/jest.setup.js'],
};
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'] },
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'] },
  ],
};
