import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';

/** Where `vite build` puts the console (`dist/console`, beside `dist/apps`). */
export const CONSOLE_DIR = resolve(__dirname, '../../../../console');
export const CONSOLE_PATH = '/ops';

/**
 * Serves the ops console (a static page built by Vite) at `/ops/`. The page holds no data: it
 * calls `/v1/admin/ops/…` with the admin's access token, so serving it needs no authentication.
 */
export function serveConsole(app: INestApplication, dir = CONSOLE_DIR): void {
  if (!existsSync(resolve(dir, 'index.html'))) {
    new Logger('OpsConsole').warn(`no ops console at ${dir} (run npm run build): ${CONSOLE_PATH}/ is not served`);
    return;
  }
  const express = app as NestExpressApplication;
  express.use((req: { path: string }, res: { redirect(status: number, url: string): void }, next: () => void) =>
    req.path === CONSOLE_PATH ? res.redirect(301, `${CONSOLE_PATH}/`) : next(),
  );
  express.useStaticAssets(dir, {
    prefix: `${CONSOLE_PATH}/`,
    index: 'index.html',
    fallthrough: true,
    setHeaders: (res: Response, path: string) => {
      // hashed assets may be cached for ever; the page itself is always asked for again
      res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}
