/**
 * The web app on the local server: `web/dist` (the Vite build) at `/`, on the same port as the API. Everything
 * that is not the API (`/v1/…`), a local route (`/local/…`) or the local OpenID provider (`/oidc/…`) is the app's:
 * files of the build, `/config.json` (the runtime config: sign-in through the local OpenID provider, the same code
 * path as in AWS), and `index.html` for any other path so that client routes such as `/phe-duyet` survive a
 * reload. Without a build it answers 503 with what to run, never a blank page.
 *
 * The local server's extensions answer JSON only, so this is a request handler put in front of the server's own
 * (`serveWebApp`); the API's requests pass through untouched.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { LocalWebAuth } from './local-oidc.ts';
import { requestUrl } from './server.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_SOURCE_DIR = join(projectRoot, 'web');
export const WEB_DIST_DIR = join(WEB_SOURCE_DIR, 'dist');

export const WEB_BUILD_MISSING =
  'Giao diện web chưa được build (thiếu web/dist/index.html). Chạy "npm run build:web" rồi tải lại trang; ' +
  '"npm start" tự build khi thiếu.';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);

/**
 * The app loads only its own files and talks only to this origin (the API is on the same port) and to its
 * identity provider (the same origin too, unless the page was opened as 127.0.0.1 rather than localhost).
 */
export function localCsp(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

export interface WebAppOptions {
  /** The build to serve; default `web/dist`. */
  distDir?: string;
  /** The local OpenID provider the app signs in with (`/config.json`: the API on this origin, that provider). */
  identity: LocalWebAuth;
  /** Is a build under way (the 503 page then reloads itself until it is done)? */
  building?: () => boolean;
  /** Other origins the app talks to: the local S3 API, where evidence files go up and come down. */
  connectOrigins?: readonly string[];
}

export interface WebApp {
  readonly distDir: string;
  /** Is there a build to serve (checked on each call, so a build made after start is picked up)? */
  built(): boolean;
  /** Answers a request that is the app's and returns true; returns false for the API's requests. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export const localRuntimeConfig = (identity: LocalWebAuth) => ({ apiUrl: '', auth: identity });

/** Is this request for the app (rather than for the API or a local route)? */
export function isWebRequest(method: string, pathname: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  return !(
    pathname === '/v1' ||
    pathname.startsWith('/v1/') ||
    pathname === '/local' ||
    pathname.startsWith('/local/') ||
    pathname === '/oidc' ||
    pathname.startsWith('/oidc/')
  );
}

function missingPage(building: boolean): string {
  const refresh = building ? '<meta http-equiv="refresh" content="2">' : '';
  const now = building
    ? '<p><strong>Đang build, trang sẽ tự tải lại…</strong> (building, this page reloads itself)</p>'
    : '';
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>Chưa build giao diện web</title></head>
<body><main><h1>Chưa build giao diện web</h1>${now}<p>${WEB_BUILD_MISSING}</p>
<p lang="en">The web app is not built (web/dist/index.html is missing): run <code>npm run build:web</code> and reload.</p>
<p>API: <a href="/v1/openapi.json">/v1/openapi.json</a> (cần token).</p></main></body></html>`;
}

export function createWebApp(options: WebAppOptions): WebApp {
  const distDir = resolve(options.distDir ?? WEB_DIST_DIR);
  const configBody = JSON.stringify(localRuntimeConfig(options.identity));
  const csp = localCsp([new URL(options.identity.issuer).origin, ...(options.connectOrigins ?? [])]);
  const gzipCache = new Map<string, { mtimeMs: number; size: number; gz: Buffer }>();
  const indexFile = join(distDir, 'index.html');
  const built = () => existsSync(indexFile);

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: Buffer,
    headers: Record<string, string>,
    gzipKey?: { file: string; mtimeMs: number; size: number },
  ) => {
    let payload = body;
    const out: Record<string, string> = { ...SECURITY_HEADERS, ...headers, vary: 'accept-encoding' };
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzipKey && acceptsGzip && body.length > 1024) {
      const cached = gzipCache.get(gzipKey.file);
      let gz =
        cached && cached.mtimeMs === gzipKey.mtimeMs && cached.size === gzipKey.size ? cached.gz : null;
      if (!gz) {
        gz = gzipSync(body, { level: 9 });
        gzipCache.set(gzipKey.file, { mtimeMs: gzipKey.mtimeMs, size: gzipKey.size, gz });
      }
      payload = gz;
      out['content-encoding'] = 'gzip';
    }
    out['content-length'] = String(payload.length);
    res.writeHead(status, out);
    res.end(req.method === 'HEAD' ? undefined : payload);
  };

  const sendFile = (req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string) => {
    const stat = statSync(file);
    const ext = extname(file).toLowerCase();
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'cache-control': cacheControl,
    };
    if (ext === '.html') headers['content-security-policy'] = csp;
    const key = COMPRESSIBLE.has(ext) ? { file, mtimeMs: stat.mtimeMs, size: stat.size } : undefined;
    send(req, res, 200, readFileSync(file), headers, key);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const method = (req.method ?? 'GET').toUpperCase();
    // A target that is no plain path (`//`, `//v1/units`, `http://…`) is the API's to refuse in the contract's shape.
    const url = requestUrl(req.url);
    if (!url || url.pathname.includes('//')) return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return false;
    }
    if (!isWebRequest(method, pathname)) return false;

    if (pathname === '/config.json') {
      send(req, res, 200, Buffer.from(configBody), {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      return true;
    }
    const text = (status: number, message: string) =>
      send(req, res, status, Buffer.from(message), {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      });

    // A file of the build, never outside it and never a dotfile.
    const candidate = resolve(distDir, `.${pathname}`);
    const inside = candidate.startsWith(distDir + sep);
    if (!inside && candidate !== distDir) {
      text(404, 'Không tìm thấy.');
      return true;
    }
    if (pathname.split('/').some((part) => part.startsWith('.'))) {
      text(404, 'Không tìm thấy.');
      return true;
    }
    if (inside && existsSync(candidate) && statSync(candidate).isFile()) {
      const immutable = pathname.startsWith('/assets/');
      sendFile(req, res, candidate, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return true;
    }
    // A missing file (it has an extension) is a 404; any other path is a client route: index.html.
    if (extname(pathname) !== '') {
      text(404, 'Không tìm thấy tệp này.');
      return true;
    }
    if (!built()) {
      send(req, res, 503, Buffer.from(missingPage(options.building?.() ?? false)), {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'retry-after': '5',
      });
      return true;
    }
    sendFile(req, res, indexFile, 'no-cache');
    return true;
  };

  return { distDir, built, handle };
}

/** Puts the web app in front of the local server's own request handler (the API's). */
export function serveWebApp(server: Server, app: WebApp): void {
  const api = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (app.handle(req, res)) return;
    for (const listener of api) listener.call(server, req, res);
  });
}

/** The newest modification time of the app's sources (everything under `web/` but the build). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export type WebBuildResult =
  | { status: 'fresh' | 'built'; seconds: number }
  | { status: 'failed'; seconds: number; message: string };

/**
 * For `npm start`: builds the app (Vite, about a second) when `web/dist` is missing or older than its sources.
 * `npm ci` already builds it (postinstall), so this only catches edits made since. A failed build never stops
 * the API.
 */
export async function ensureWebBuild(): Promise<WebBuildResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const index = join(WEB_DIST_DIR, 'index.html');
  try {
    if (existsSync(index) && statSync(index).mtimeMs >= newestSource(WEB_SOURCE_DIR)) {
      return { status: 'fresh', seconds: seconds() };
    }
    const { build } = await import('vite');
    await build({
      configFile: join(WEB_SOURCE_DIR, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'error',
    });
    return { status: 'built', seconds: seconds() };
  } catch (error) {
    return {
      status: 'failed',
      seconds: seconds(),
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
