// Three projects: unit tests beside the code, integration tests with a real etcd, and
// end-to-end tests of a whole cluster (root). ts-jest only transpiles (isolatedModules in
// tsconfig.jest.json); `tsc` checks the types.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] };
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };
module.exports = {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/api', '<rootDir>/pkg', '<rootDir>/cmd'], testMatch: ['**/*.test.ts'] },
    { ...common, displayName: 'integration', roots: ['<rootDir>/test/integration'], testMatch: ['**/*.test.ts'] },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test/e2e'], testMatch: ['**/*.test.ts'] },
  ],
};
