/**
 * The web app's build: Preact with the automatic JSX runtime (Vite 8 transforms with Oxc, so no Babel and no
 * framework plugin), one entry, hashed assets under `/assets/`, modern browsers only. `npm run build:web` writes
 * `web/dist/`, which the local server serves at `/` and the CDK web stack uploads to S3.
 *
 * `npm run dev:web` serves the sources with hot reload on :5173 and passes the API, `/local/*` and `/config.json`
 * to the local server (`npm start`, default http://localhost:3000; another with API_URL=…).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = dirname(fileURLToPath(import.meta.url));
const api = process.env.API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: false,
  // The production JSX transform and minifier whatever NODE_ENV the caller has (Vitest sets "test", and Vite
  // would then build with the development JSX transform: file names and line numbers in the bundle).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
  build: {
    minify: 'oxc',
    outDir: resolve(webRoot, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsDir: 'assets',
    reportCompressedSize: false,
    // The PDF chunk (pdf-lib and fontkit, ~1.1 MB) is loaded only when someone downloads a PDF; the initial
    // bundle's budget is checked by test/web/bundle.test.ts.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/v1': api, '/local': api, '/config.json': api },
  },
  logLevel: 'warn',
});
