/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.check.json', diagnostics: false }] },
  // A bound for a hung test, not a pace: on a busy machine (CI runs beside other work) sandbox tests take longer.
  testTimeout: 60000,
};
