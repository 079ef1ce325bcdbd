/**
 * The layers of docs/ARCHITECTURE.md, held by reading every import of the product's code (shared/, functions/,
 * infra/, web/): the domain and the store never reach up into the use cases or the adapters; only the store
 * talks to DynamoDB; the use cases never reach into an adapter; and there is no import cycle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_FOLDERS = ['shared', 'functions', 'infra', 'web/src'];

function filesUnder(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(ROOT, path));
    }
  };
  walk(join(ROOT, folder));
  return out;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Each file's imports: repository paths for relative ones, package names for the others. */
function importsOf(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const local: string[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? '';
    if (spec.startsWith('.')) local.push(normalize(join(dirname(file), spec)));
    else packages.push(spec);
  }
  return { local, packages };
}

const files = SOURCE_FOLDERS.flatMap(filesUnder);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const under = (prefix: string) => (f: string) => f.startsWith(prefix);
const ADAPTERS = ['shared/http/', 'shared/jobs/', 'shared/files/', 'functions/', 'infra/', 'web/'];

function offenders(from: (f: string) => boolean, forbidden: (target: string) => boolean): string[] {
  return [...graph]
    .filter(([f]) => from(f))
    .flatMap(([f, { local }]) => local.filter(forbidden).map((target) => `${f} → ${target}`));
}

describe('the layers', () => {
  it('reads the whole product', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('shared/domain/transitions.ts');
  });

  it('the domain imports only the domain', () => {
    expect(offenders(under('shared/domain/'), (t) => !t.startsWith('shared/domain/'))).toEqual([]);
    const packages = [...graph]
      .filter(([f]) => f.startsWith('shared/domain/'))
      .flatMap(([, { packages }]) => packages)
      .filter((p) => !['zod', 'zod/locales'].includes(p));
    expect(packages).toEqual([]);
  });

  it('the store imports only the domain and the store', () => {
    expect(
      offenders(
        under('shared/store/'),
        (t) => !t.startsWith('shared/store/') && !t.startsWith('shared/domain/'),
      ),
    ).toEqual([]);
  });

  it('the use cases never reach into an adapter', () => {
    expect(offenders(under('shared/app/'), (t) => ADAPTERS.some((a) => t.startsWith(a)))).toEqual([]);
  });

  it('the configuration and the observability modules are leaves', () => {
    const leaves = ['shared/config.ts', 'shared/observability.ts'];
    expect(
      offenders(
        (f) => leaves.includes(f),
        (t) => !t.startsWith('shared/domain/') && t !== 'shared/store/table-definition.ts',
      ),
    ).toEqual([]);
  });

  it('only the store (and the local engine bootstrap) talks to DynamoDB', () => {
    const dynamo = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];
    const allowed = (f: string) => f.startsWith('shared/store/') || f === 'functions/local/dynamodb-local.ts';
    const found = [...graph]
      .filter(([f, { packages }]) => !allowed(f) && packages.some((p) => dynamo.includes(p)))
      .map(([f]) => f);
    expect(found).toEqual([]);
  });

  it('only the file adapter talks to S3 (the use cases see a FileStorage interface)', () => {
    const found = [...graph]
      .filter(
        ([f, { packages }]) =>
          !f.startsWith('shared/files/') &&
          packages.some((p) => p.startsWith('@aws-sdk/client-s3') || p.startsWith('@aws-sdk/s3-')),
      )
      .map(([f]) => f);
    expect(found).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file)?.local ?? []) if (graph.has(next)) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
