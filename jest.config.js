// @ts-check
/**
 * Three suites, one runner: unit specs beside the code (`*.spec.ts`, no infrastructure),
 * integration specs per app (`*.int-spec.ts`, real Postgres/Redis/Kafka, apps in-process)
 * and end-to-end specs (`test/e2e/*.e2e-spec.ts`, real processes from `dist/` through the gateway).
 * Nest 12 packages are ESM: Jest (on Node 20) cannot require() them, so SWC compiles them to CommonJS.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const ESM_PACKAGES = [
  '@nestjs',
  'uuid',
  'file-type',
  'strtok3',
  'token-types',
  'peek-readable',
  'load-esm',
  '@tokenizer',
  'jose',
];

/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: { '^@shopmesh/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/', '/.data/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/e2e/jest-setup.ts'],
      slowTestThreshold: 60,
    },
  ],
  testTimeout: 60_000,
  // Suites close what they open; but a test that fails half-way can leave a client behind, and
  // that must fail the run, not hang CI until its time limit.
  forceExit: true,
};
