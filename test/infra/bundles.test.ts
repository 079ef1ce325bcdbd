/**
 * The one infra test that bundles for real: CDK runs the local esbuild for every function of the route and
 * schedule table (no Docker). Each bundle must be an ES module exporting `handler`, with the `require` banner and a
 * source map, at most 300 KB, and byte-identical to what the benchmark builds from the same options.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, bundleEntries, esbuildOptions, maxBundleBytes, REPO_ROOT } from '../../infra/bundling.ts';
import { props, resources, type SynthesisedApp, synth } from './support.ts';

describe('function bundles (real esbuild)', () => {
  let app: SynthesisedApp;
  let benchDir: string;
  beforeAll(() => {
    app = synth({}, { bundle: true });
    benchDir = mkdtempSync(join(tmpdir(), 'danh-gia-bundle-check-'));
  }, 300_000);
  afterAll(() => {
    app?.cleanup();
    if (benchDir) rmSync(benchDir, { recursive: true, force: true });
  });

  /** Physical function name → the bundle CDK staged for it. */
  const bundles = () =>
    new Map(
      [app.templates.app, app.templates.jobs].flatMap((t) =>
        resources(t, 'AWS::Lambda::Function')
          // CDK's own BucketDeployment handler is not one of ours.
          .filter(([, fn]) => String(props(fn).FunctionName ?? '').startsWith(app.names.prefix))
          .map(([, fn]) => {
            const assetPath = fn.Metadata?.['aws:asset:path'];
            if (typeof assetPath !== 'string')
              throw new Error(`${String(props(fn).FunctionName)}: no asset metadata`);
            return [String(props(fn).FunctionName), join(app.outdir, assetPath, BUNDLE.outfileName)] as const;
          }),
      ),
    );

  it('stages one bundle per function of the table', () => {
    const expected = bundleEntries().map((e) => app.names.functionName(e.kind, e.name));
    expect([...bundles().keys()].sort()).toEqual(expected.sort());
  });

  describe.each(bundleEntries().map((e) => [`${e.kind} ${e.name}`, e] as const))('%s', (_label, entry) => {
    const file = () => {
      const path = bundles().get(app.names.functionName(entry.kind, entry.name));
      if (!path) throw new Error('no bundle');
      return path;
    };

    it('is an ES module exporting handler, with the require banner and a source map', () => {
      const code = readFileSync(file(), 'utf8');
      expect(code.startsWith(BUNDLE.banner)).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b[^}]*\}/);
      // Node parses a .mjs file as an ES module: a CommonJS bundle would not pass (`export` is a syntax error there).
      const check = spawnSync(process.execPath, ['--check', file()], { encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(existsSync(`${file()}.map`)).toBe(true);
    });

    it(`is at most ${maxBundleBytes(entry.kind, entry.name) / 1024} KB minified`, () => {
      expect(statSync(file()).size).toBeLessThanOrEqual(maxBundleBytes(entry.kind, entry.name));
    });

    it('takes the AWS SDK from the runtime instead of bundling it', () => {
      const code = readFileSync(file(), 'utf8');
      // The bundled SDK's user agent (`aws-sdk-js`) and its @smithy packages would be in the text.
      expect(code).not.toContain('aws-sdk-js');
      expect(code).not.toContain('smithy');
      // The SDK appears only as the specifier of an import (static, or dynamic for clients loaded on first use).
      for (const m of code.matchAll(/(.{0,7})"@aws-sdk\//g)) expect(m[1]).toMatch(/(from|import\(?)\s*$/);
    });

    it('is byte for byte what the benchmark bundles from the same options', async () => {
      const out = join(benchDir, `${entry.kind}-${entry.name}`, BUNDLE.outfileName);
      await build(esbuildOptions(resolve(REPO_ROOT, entry.entry), out));
      expect(readFileSync(out).equals(readFileSync(file()))).toBe(true);
    });
  });
});
