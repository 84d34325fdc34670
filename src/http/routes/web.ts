/**
 * The web front end (web/, Vue 3 + Element Plus), built by Vite into web/dist and served here at
 * `/`, so `npm start` is the whole set-up (it builds the app first: `prestart`). Assets are
 * content-hashed and cached for a year; every page path of the app answers its index.html, and
 * the app's router shows the page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));
/** The app's page paths (web/src/router.ts); the console of the next issues lives under /console. */
const PAGES = ['/', '/challenges/*', '/register', '/sign-in', '/me', '/console', '/console/*'];

const webRoutes: FastifyPluginAsync<{ dist?: string }> = async (app, opts) => {
  const dist = opts.dist ?? WEB_DIST;
  const index = `${dist}/index.html`;
  const built = existsSync(index);
  if (built)
    await app.register(fastifyStatic, {
      root: `${dist}/assets`,
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
    });
  for (const path of PAGES)
    app.get(path, { schema: { hide: true } }, async (_request, reply) => {
      if (!built)
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(
            '网页尚未构建：请运行 npm run web:build（npm start 会先构建）。\nThe web app is not built: run npm run web:build.',
          );
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(readFileSync(index));
    });
};
export default webRoutes;
