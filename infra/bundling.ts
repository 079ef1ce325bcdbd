/**
 * The one description of how a function is bundled: an ES module for Node.js 22, minified, with a linked source
 * map. The CDK construct (infra/constructs/app-function.ts, local bundling, no Docker) and the bundle benchmark both
 * call esbuild's API with `esbuildOptions`, so the figures in BENCHMARKS.md are the figures of what is deployed.
 *
 * The AWS SDK v3 (`@aws-sdk/*`, `@smithy/*`) is NOT bundled: it comes from the Lambda runtime, which ships v3 and
 * resolves it for ES modules too. Measured (`npm run bench -- bundles`): a bundle holding nothing but a DynamoDB
 * DocumentClient is 333 KB minified with the SDK bundled (its schema-based @smithy/core alone is 134 KB, plus the
 * whole credential chain), so with it bundled no function could meet the 300 KB target; without it the functions
 * are a third of that. The price is that the SDK version is the runtime's, not package-lock.json's: the code uses
 * only long-stable operations (DynamoDB, SQS, SES v2), and pinning comes back by bundling it here (drop it from
 * `external`) should that ever matter more than size.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync } from 'esbuild';
import { FUNCTIONS } from '../shared/http/routes.ts';
import { jobFunctions, SES_EVENTS_FUNCTION, schedules } from '../shared/jobs/schedules.ts';

/** The repository root (the directory of package.json and package-lock.json). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const BUNDLE = {
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  /** A linked `index.mjs.map`, read by `--enable-source-maps`; without sources (smaller, loads faster). */
  sourcemap: true,
  sourcesContent: false,
  /** Prefer the ESM build of dependencies (better tree-shaking). */
  mainFields: ['module', 'main'],
  /** Vietnamese text stays UTF-8 instead of `\uXXXX` escapes. */
  charset: 'utf8',
  /** The AWS SDK v3 comes from the Lambda runtime (see above); everything else is bundled. */
  external: ['@aws-sdk/*', '@smithy/*'] as string[],
  /** CommonJS dependencies call `require`; an ES module has none unless we make one. */
  banner:
    "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);",
  /** Lambda's file name for an ES module handler: `index.mjs`, handler `index.handler`. */
  outfileName: 'index.mjs',
} as const;

/** The maximum size of one minified bundle (the benchmark's and the bundling test's target). */
export const MAX_BUNDLE_BYTES = 300 * 1024;
/**
 * The docs function serves the OpenAPI document of the whole route table, and the route table holds every group's
 * definitions with their handlers: its bundle is every group's code at once, rarely started (the document is made
 * once per cold start and cached). It gets a larger allowance than the groups that serve users.
 */
export const MAX_DOCS_BUNDLE_BYTES = 400 * 1024;

/** The allowance of one function's bundle. */
export const maxBundleBytes = (kind: 'http' | 'job', name: string) =>
  kind === 'http' && name === 'docs' ? MAX_DOCS_BUNDLE_BYTES : MAX_BUNDLE_BYTES;

/** Lambda's handler setting for a bundle: `index.mjs`, export `handler`. */
export const BUNDLE_HANDLER = `${BUNDLE.outfileName.replace(/\.mjs$/, '')}.handler`;

/** esbuild's API options for one entry: what the CDK construct runs and what the benchmark measures. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: BUNDLE.platform,
    target: BUNDLE.target,
    format: BUNDLE.format,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourcemap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    charset: BUNDLE.charset,
    external: [...BUNDLE.external],
    banner: { js: BUNDLE.banner },
    logLevel: 'warning',
    absWorkingDir: REPO_ROOT,
  };
}

/** Bundles one entry (relative to the repository root) into `outputDir`, synchronously (CDK's local bundling). */
export function bundleEntry(entry: string, outputDir: string): void {
  buildSync(esbuildOptions(resolve(REPO_ROOT, entry), join(outputDir, BUNDLE.outfileName)));
}

export interface BundleEntry {
  readonly kind: 'http' | 'job';
  readonly name: string;
  /** Relative to the repository root. */
  readonly entry: string;
}

/** Every function of the route and schedule table, in table order. */
export function bundleEntries(): BundleEntry[] {
  return [
    ...Object.entries(FUNCTIONS).map(([name, def]) => ({ kind: 'http' as const, name, entry: def.entry })),
    ...jobFunctions.map((s) => ({ kind: 'job' as const, name: s.job, entry: s.entry })),
    // The reminders' delivery consumer runs the same entry as its job; SES's events have a function of their own.
    ...schedules
      .filter((s) => s.delivery)
      .map((s) => ({ kind: 'job' as const, name: `${s.job}-delivery`, entry: s.entry })),
    { kind: 'job' as const, name: SES_EVENTS_FUNCTION.name, entry: SES_EVENTS_FUNCTION.entry },
  ];
}
