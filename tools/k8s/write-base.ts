import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../infra/infra-config';
import { BASE_DIR, baseManifests } from './base-manifests';

/** `npm run k8s:generate`: writes deploy/k8s/base from the declarations (and removes stale files). */
async function main(): Promise<void> {
  const dir = resolve(REPO_ROOT, BASE_DIR);
  mkdirSync(dir, { recursive: true });
  const files = await baseManifests();
  for (const stale of readdirSync(dir).filter((name) => !(name in files))) rmSync(join(dir, stale));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  process.stdout.write(`k8s: wrote ${Object.keys(files).length} files to ${BASE_DIR}\n`);
}

void main();
