/**
 * `npm run bench:rpc`: builds the RPC benchmark (rpc-bench.ts) and its servers (rpc-servers.ts) to
 * plain JavaScript with esbuild, our libraries bundled in and the packages left to `node_modules`, and
 * runs it with `node`, as the apps run (`nest build` output). Not under tsx: its transform keeps every
 * function's name with a wrapper (`__name`), in our code and in Nest's ES modules but not in
 * Moleculer's CommonJS, which cost a tenth of the client's CPU and would tilt the comparison.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const root = resolve(__dirname, '../..');
const out = join(root, '.cache/bench/rpc');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const packages = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });

buildSync({
  entryPoints: [join(__dirname, 'rpc-bench.ts'), join(__dirname, 'rpc-servers.ts')],
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  tsconfig: join(root, 'tsconfig.json'),
  external: packages.flatMap((p) => [p, `${p}/*`]),
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, [join(out, 'rpc-bench.js')], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
