/**
 * The production build (Vite) stays small: the JavaScript that index.html loads before the first render is at
 * most 150 KB gzipped (issue 7), the build ships no source maps, and everything is under hashed /assets/ names
 * that can be cached forever. Needs no browser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildWebApp, gzipSize, initialAssets } from './support.ts';

const BUDGET_BYTES = 150 * 1024;

describe('web build', () => {
  let app: BuiltApp;
  beforeAll(async () => {
    app = await buildWebApp();
  }, 120_000);
  afterAll(() => app?.cleanup());

  it(`loads at most ${BUDGET_BYTES / 1024} KB of JavaScript (gzipped) before the first render`, () => {
    const { js, css } = initialAssets(app.dir);
    expect(js.length).toBeGreaterThan(0);
    const jsBytes = js.reduce((sum, url) => sum + gzipSize(app.dir, url), 0);
    const cssBytes = css.reduce((sum, url) => sum + gzipSize(app.dir, url), 0);
    console.log(
      `web: initial JavaScript ${(jsBytes / 1024).toFixed(1)} KB gzipped (${js.length} file), ` +
        `CSS ${(cssBytes / 1024).toFixed(1)} KB gzipped`,
    );
    expect(jsBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('puts every asset under a hashed /assets/ name and ships no source map', () => {
    const assets = readdirSync(join(app.dir, 'assets'));
    expect(assets.length).toBeGreaterThan(0);
    for (const name of assets) expect(name).toMatch(/^[\w-]+-[\w-]{8}\.(js|css|woff)$/);
    const { js, css } = initialAssets(app.dir);
    for (const url of [...js, ...css]) expect(url).toMatch(/^\/assets\//);
    expect(readdirSync(app.dir).sort()).toEqual(['assets', 'index.html']);
  });

  it('loads the PDF maker (pdf-lib, fontkit, the Tinos fonts) only when someone asks for a PDF', () => {
    const initial = initialAssets(app.dir).js.map((url) =>
      readFileSync(join(app.dir, url.replace(/^\//, '')), 'utf8'),
    );
    for (const code of initial) expect(code).not.toMatch(/registerFontkit|PDFDocument|tinos-latin/);
    const lazy = readdirSync(join(app.dir, 'assets')).filter(
      (name) =>
        name.endsWith('.js') && /registerFontkit/.test(readFileSync(join(app.dir, 'assets', name), 'utf8')),
    );
    expect(lazy).toHaveLength(1);
    const fonts = readdirSync(join(app.dir, 'assets')).filter((name) => name.endsWith('.woff'));
    expect(fonts.map((f) => f.replace(/-[\w-]{8}\.woff$/, '')).sort()).toEqual([
      'tinos-latin-400-normal',
      'tinos-latin-700-normal',
      'tinos-vietnamese-400-normal',
      'tinos-vietnamese-700-normal',
    ]);
  });

  it('is the production build: minified, no development JSX (file names, line numbers)', () => {
    for (const url of initialAssets(app.dir).js) {
      const code = readFileSync(join(app.dir, url.replace(/^\//, '')), 'utf8');
      expect(code).not.toMatch(/jsxDEV|web\/src\//);
      expect(code.split('\n').length).toBeLessThan(20);
    }
  });

  it('has a Vietnamese page shell that works before the script runs', () => {
    const html = readFileSync(join(app.dir, 'index.html'), 'utf8');
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('name="viewport"');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script: the CSP allows none
  });
});
