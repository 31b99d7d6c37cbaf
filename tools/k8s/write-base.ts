import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../infra/infra-config';
import { BASE_DIR, baseManifests } from './base-manifests';

/**
 * `npm run k8s:generate`: writes deploy/k8s/base from the declarations (and removes stale files).
 * With `--check`, writes nothing: lists the files that differ from what it would write, exits 1 if any.
 */
async function main(check: boolean): Promise<void> {
  const dir = resolve(REPO_ROOT, BASE_DIR);
  const files = await baseManifests();
  const present = existsSync(dir) ? readdirSync(dir) : [];
  const stale = present.filter((name) => !(name in files));
  const differing = Object.keys(files).filter(
    (name) => !present.includes(name) || readFileSync(join(dir, name), 'utf8') !== files[name],
  );
  if (check) {
    for (const name of [...stale, ...differing]) process.stdout.write(`${BASE_DIR}/${name} is not what k8s:generate writes\n`);
    process.exitCode = stale.length + differing.length > 0 ? 1 : 0;
    return;
  }
  mkdirSync(dir, { recursive: true });
  for (const name of stale) rmSync(join(dir, name));
  for (const name of differing) writeFileSync(join(dir, name), files[name] ?? '');
  process.stdout.write(`k8s: ${differing.length + stale.length} of ${Object.keys(files).length} files in ${BASE_DIR} changed\n`);
}

void main(process.argv.includes('--check'));
