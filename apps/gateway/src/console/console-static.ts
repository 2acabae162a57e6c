import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ROLES } from '../../../../libs/contracts/src/index.js';

/**
 * First path segments that are the API's, never the console's: a role's gateway, health, metrics, the
 * OpenAPI docs, the directory, the local sign-in. A request under them is never answered with a console file
 * or with its page.
 */
const API_SEGMENTS: ReadonlySet<string> = new Set([
  ...ROLES,
  'health',
  'metrics',
  'docs',
  'directory',
  'auth',
]);

/**
 * The console's pages: scripts and styles from this origin only (Vite emits no inline script), no framing,
 * no plugins, no referrer leaving the page. `connectOrigins`: other origins its scripts may call — the
 * OpenID Connect issuer's when the console signs in there (its token endpoint), none otherwise.
 */
export function consoleSecurityHeaders(connectOrigins: readonly string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      ["connect-src 'self'", ...connectOrigins].join(' '),
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

function filesUnder(dir: string): Set<string> {
  const files = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      files.add(`/${relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/')}`);
  }
  return files;
}

/**
 * Express middleware serving the built console (`dist/console`, ADR 0018), or undefined when it is not built
 * (a gateway started without `npm start`: nothing changes). Only `GET`/`HEAD`, only outside the API's paths:
 * a file of the build at its path (the set of files is read once, so nothing outside it can be named), and
 * the console's page for any other path a browser navigates to (it asks for `text/html`), so deep links load.
 */
export function consoleStatic(
  dir: string,
  connectOrigins: readonly string[] = [],
): RequestHandler | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const files = filesUnder(dir);
  const headers = consoleSecurityHeaders(connectOrigins);
  const send = (response: Response, file: string, next: NextFunction): void => {
    response.set(headers);
    // Vite names its assets by content hash: they never change; the page always refers to the current ones.
    const immutable = file.startsWith('/assets/');
    response.set('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    response.sendFile(
      join(dir, ...file.split('/')),
      { dotfiles: 'deny', cacheControl: false },
      (error: Error | undefined) => {
        if (error !== undefined && !response.headersSent) next(error);
      },
    );
  };
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      next();
      return;
    }
    const first = request.path.split('/')[1] ?? '';
    if (API_SEGMENTS.has(first)) {
      next();
      return;
    }
    if (files.has(request.path) && request.path !== '/index.html') {
      send(response, request.path, next);
      return;
    }
    const wantsPage = (request.headers.accept ?? '').includes('text/html');
    if (wantsPage && first !== 'assets') {
      send(response, '/index.html', next);
      return;
    }
    next();
  };
}
