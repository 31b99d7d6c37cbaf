import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The ops console: a static page the gateway serves at `/ops/` from `dist/console`. No inline
 * script or style in the output (the gateway's Content-Security-Policy allows only its own files).
 */
export default defineConfig({
  root,
  base: '/ops/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
