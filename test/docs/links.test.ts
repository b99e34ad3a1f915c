/** The project's documents link only inside the repository, and every link they make resolves to a file. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DOCS = ['README.md', 'cli/README.md', 'docs/webtrigger-api.md', 'test/fixtures/README.md'];

describe('document links', () => {
  it.each(DOCS.filter((d) => d !== 'test/fixtures/README.md'))('%s links only to files in the repository', (doc) => {
    const text = readFileSync(path.join(ROOT, doc), 'utf8');
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect({ link, external: /^[a-z]+:/i.test(link) }).toEqual({ link, external: false });
      const target = path.resolve(path.dirname(path.join(ROOT, doc)), link.split('#')[0] as string);
      expect({ link, inside: target.startsWith(ROOT + path.sep), exists: existsSync(target) }).toEqual({ link, inside: true, exists: true });
    }
  });

  it.each(DOCS)('%s names nothing beside the repository (../shared, contract.md, design.md)', (doc) => {
    const text = readFileSync(path.join(ROOT, doc), 'utf8');
    expect(text).not.toMatch(/\.\.\/shared|\/work\/shared|contract\.md|design\.md|shared notes/);
  });
});
