/**
 * The repository's documents are the reference: every served route is in docs/API.md (as `METHOD /path`), every
 * route docs/API.md names is served, and no document links outside the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { endpoints, routeKey } from '../../shared/http/routes.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('the documents', () => {
  const api = read('docs/API.md');
  const documented = new Set(
    [...api.matchAll(/`(GET|PUT|POST|DELETE) (\/v1\/[^`\s?]*)`/g)].map((m) => `${m[1]} ${m[2]}`),
  );

  it('docs/API.md documents every served route', () => {
    expect(endpoints.map(routeKey).filter((k) => !documented.has(k))).toEqual([]);
  });

  it('docs/API.md names no route that is not served', () => {
    const served = new Set(endpoints.map(routeKey));
    expect([...documented].filter((k) => !served.has(k))).toEqual([]);
  });

  it('every relative link of a document leads to a file of the repository', () => {
    const documents = [
      'README.md',
      'BENCHMARKS.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const broken = documents.flatMap((doc) =>
      // Links in fenced code blocks are examples (a README snippet), not links of this document.
      [
        ...read(doc)
          .replace(/```[\s\S]*?```/g, '')
          .matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g),
      ]
        .map((m) => m[1] ?? '')
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => {
          const path = normalize(join(dirname(doc), target));
          return path.startsWith('..') || !existsSync(join(ROOT, path));
        })
        .map((target) => `${doc} → ${target}`),
    );
    expect(broken).toEqual([]);
    expect(documents.filter((d) => read(d).includes('../shared'))).toEqual([]);
  });
});
