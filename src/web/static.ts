import fs from 'node:fs';
import path from 'node:path';
import type { Router } from '@koa/router';
import { sha256Hex } from '../lib/crypto.ts';

const DIR = path.join(import.meta.dirname, 'static');
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

/** Every file of src/web/static, read once at start: a fixed list, so no request names a path on disk. */
const assets = new Map<string, Asset>(
  fs
    .readdirSync(DIR)
    .filter((name) => TYPES[path.extname(name)] !== undefined)
    .map((name) => {
      const body = fs.readFileSync(path.join(DIR, name));
      return [name, { body, type: TYPES[path.extname(name)] as string, hash: sha256Hex(body.toString('latin1')).slice(0, 12) }];
    }),
);

/** The address of a static file, with its content's hash: a changed file gets a new address, so it may be cached for a year. */
export function assetUrl(name: string): string {
  const asset = assets.get(name);
  if (!asset) throw new Error(`No static file ${name}`);
  return `/static/${name}?v=${asset.hash}`;
}

/**
 * Serves /static/<name> with a long cache and an ETag (the page policy lets pages load only these), and
 * sends /favicon.ico, which browsers ask for on answers that link no icon (a PDF, a JSON error), to the icon.
 */
export function mountStatic(router: Router): void {
  router.get('/favicon.ico', (ctx) => {
    ctx.status = 301;
    ctx.redirect(assetUrl('favicon.svg'));
  });
  router.get('/static/:name', (ctx) => {
    const asset = assets.get(ctx.params.name as string);
    if (!asset) return;
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.set('ETag', `"${asset.hash}"`);
    ctx.type = asset.type;
    if (ctx.get('if-none-match') === `"${asset.hash}"`) {
      ctx.status = 304;
      return;
    }
    ctx.body = asset.body;
  });
}
