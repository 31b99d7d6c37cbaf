import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { transformFileSync } from '@swc/core';

const REPO_ROOT = resolve(__dirname, '../..');

/** `deploy/upgrade/previous-release.json`: the release N an upgrade test runs beside the current code (N+1). */
export interface PreviousRelease {
  /** The app of release N. */
  app: string;
  /** Its commit: the last one before `nextMigration`. */
  commit: string;
  /** The migration of N+1 that N runs through (its class name). */
  nextMigration: string;
}

export const PREVIOUS_RELEASE_FILE = resolve(REPO_ROOT, 'deploy/upgrade/previous-release.json');

export function readPreviousRelease(file = PREVIOUS_RELEASE_FILE): PreviousRelease {
  const { app, commit, nextMigration } = JSON.parse(readFileSync(file, 'utf8')) as Partial<PreviousRelease>;
  if (typeof app !== 'string' || typeof nextMigration !== 'string' || !/^[0-9a-f]{40}$/.test(commit ?? '')) {
    throw new Error(`${file}: expected {app, commit (40 hex digits), nextMigration}`);
  }
  return { app, commit: commit as string, nextMigration };
}

/** A release's build: `dist/apps/<app>/src/main.js` and its migration runner under `root`. */
export interface ReleaseBuild {
  commit: string;
  app: string;
  /** The build's root: the directory its `dist/` is in. */
  root: string;
  main: string;
  migrate: string;
}

/** Compiled like the Jest suites compile the apps (SWC, legacy decorators with metadata), aliases made relative. */
const swcOptions = (root: string) => ({
  jsc: {
    parser: { syntax: 'typescript' as const, decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022' as const,
    keepClassNames: true,
    baseUrl: root,
    paths: { '@shopmesh/*': ['./libs/*/src'] },
  },
  module: { type: 'commonjs' as const },
  sourceMaps: false,
});

const SKIPPED = /\.(spec|int-spec|e2e-spec|d)\.ts$/;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' || entry.name === 'console' ? [] : sourcesUnder(path);
    return entry.name.endsWith('.ts') && !SKIPPED.test(entry.name) ? [path] : [];
  });
}

/**
 * Builds one app of an earlier commit (its sources and every library's, from git history) into
 * `.cache/releases/<commit>/<app>/dist`, once: a later call finds the build and returns at once.
 * SWC, file by file: a few seconds where `nest build` type-checks the whole repository. The build
 * runs with the repository's node_modules (a symlink), so it must be of the same dependencies.
 */
export function buildRelease(commit: string, app: string, cacheDir = resolve(REPO_ROOT, '.cache/releases')): ReleaseBuild {
  if (!/^[0-9a-f]{40}$/.test(commit) || !/^[a-z-]+$/.test(app)) throw new Error(`not a commit and an app: ${commit} ${app}`);
  const root = resolve(cacheDir, commit, app);
  const build: ReleaseBuild = {
    commit,
    app,
    root,
    main: resolve(root, `dist/apps/${app}/src/main.js`),
    migrate: resolve(root, `dist/apps/${app}/src/database/migrate.js`),
  };
  if (existsSync(resolve(root, 'BUILT'))) return build;
  const sources = mkdtempSync(join(tmpdir(), `shopmesh-release-${app}-`));
  const staging = `${root}.building-${process.pid}`;
  try {
    execFileSync('sh', ['-c', `git archive ${commit} apps/${app}/src libs | tar -x -C "${sources}"`], { cwd: REPO_ROOT });
    rmSync(staging, { recursive: true, force: true });
    for (const file of [...sourcesUnder(join(sources, 'apps', app, 'src')), ...sourcesUnder(join(sources, 'libs'))]) {
      const out = join(staging, 'dist', relative(sources, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, transformFileSync(file, swcOptions(sources)).code);
    }
    symlinkSync(resolve(REPO_ROOT, 'node_modules'), join(staging, 'node_modules'));
    writeFileSync(join(staging, 'BUILT'), `${commit}\n`);
    mkdirSync(dirname(root), { recursive: true });
    try {
      renameSync(staging, root);
    } catch (error) {
      // another process built it meanwhile: keep theirs
      if (!existsSync(resolve(root, 'BUILT'))) throw error;
    }
    return build;
  } finally {
    rmSync(sources, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}
