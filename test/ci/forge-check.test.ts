/**
 * The wiring of `npm run forge:check` (tools/forge-check), which is too slow for jest and runs in .ci/run: Forge's
 * packages are pinned to what @forge/cli 13.3.0 pins, the lockfile installs exactly those, CI runs the check after
 * the tests, and the fixture Forge must refuse still holds what makes Forge refuse it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
const json = (p: string) => JSON.parse(read(p)) as Record<string, unknown>;

// What @forge/cli 13.3.0's package.json pins (npm view @forge/cli@13.3.0 dependencies).
const PINNED = { '@forge/bundler': '7.1.0', '@forge/cli-shared': '9.3.0', '@forge/lint': '6.1.0', '@forge/manifest': '13.3.0' };

describe('npm run forge:check', () => {
  it("pins Forge's packages exactly as @forge/cli 13.3.0 does, and its lockfile installs those versions", () => {
    const deps = json('tools/forge-check/package.json').dependencies as Record<string, string>;
    expect(deps).toMatchObject(PINNED);
    const locked = json('tools/forge-check/package-lock.json').packages as Record<string, { version?: string }>;
    for (const [name, version] of Object.entries(PINNED)) expect({ name, version: locked[`node_modules/${name}`]?.version }).toEqual({ name, version });
  });

  it('is a script of the project, and CI runs it in its clean clone after npm test', () => {
    expect((json('package.json').scripts as Record<string, string>)['forge:check']).toBe('node tools/forge-check/run.cjs');
    const steps = read('.ci/run').split('\n').filter((l) => /^npm /.test(l));
    expect(steps).toEqual(['npm ci --no-audit --no-fund', 'npm test', 'npm run forge:check', 'npm start -- --once']);
  });

  it('keeps a fixture that Forge refuses: a tsconfig with noEmit, so its bundler emits nothing', () => {
    const tsconfig = json('tools/forge-check/fixtures/refused-app/tsconfig.json') as { compilerOptions: { noEmit?: boolean } };
    expect(tsconfig.compilerOptions.noEmit).toBe(true);
    expect(read('tools/forge-check/run.cjs')).toContain("'TypeScript emitted no output'");
  });

  it("keeps tsconfig.json what Forge's bundler (TypeScript 5.9) compiles: it emits, has no TypeScript 6 option, globs src only", () => {
    const { compilerOptions, include } = json('tsconfig.json') as { compilerOptions: Record<string, unknown>; include: string[] };
    expect(compilerOptions.noEmit).toBeUndefined();
    expect(compilerOptions.ignoreDeprecations).toBeUndefined();
    expect(include).toEqual(['src/**/*']);
    expect((json('tsconfig.check.json') as { extends?: string }).extends).toBe('./tsconfig.json');
  });
});
