import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT, testEnv } from '@shopmesh/testing';

describe('start-up configuration (real processes)', () => {
  const run = (app: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [resolve(REPO_ROOT, `dist/apps/${app}/src/main.js`)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: resolve(REPO_ROOT, 'test'), // no .env here: only the given environment counts
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('stops with one clear line naming a missing variable', () => {
    const { CATALOG_TCP_PORT: _missing, ...env } = testEnv();
    const result = run('catalog', env);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration: CATALOG_TCP_PORT: expected a TCP port (1-65535), it is not set');
  });

  it('stops with one clear line naming a malformed variable and what was expected', () => {
    const result = run('gateway', { ...testEnv(), RPC_TIMEOUT_MS: 'soon' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid configuration: RPC_TIMEOUT_MS: expected a duration in milliseconds (50-60000), got "soon"',
    );
  });

  it.each(['gateway', 'identity'])('%s stops with one clear line when an access-token key file is missing', (app) => {
    const result = run(app, { ...testEnv(), JWT_PUBLIC_KEY_FILE: '/nonexistent/jwt-public.pem' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid configuration: JWT_PUBLIC_KEY_FILE: cannot read /nonexistent/jwt-public.pem (ENOENT); npm run up generates development keys',
    );
  });
});
