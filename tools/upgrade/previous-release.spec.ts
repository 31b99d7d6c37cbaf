import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPreviousRelease } from './previous-release';

const REPO_ROOT = resolve(__dirname, '../..');
const git = (args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });

/** deploy/upgrade/previous-release.json must name release N of the app: the commit just before N+1's migration. */
describe('deploy/upgrade/previous-release.json', () => {
  const release = readPreviousRelease();
  const dir = `apps/${release.app}/src/database/migrations`;

  it('names a commit of this branch’s history', () => {
    expect(() => git(['merge-base', '--is-ancestor', release.commit, 'HEAD'])).not.toThrow();
  });

  it('is the release before N+1: its migrations are today’s but the one it names, which is the newest', () => {
    const then = git(['ls-tree', '--name-only', `${release.commit}:${dir}`])
      .split('\n')
      .filter(Boolean);
    const now = readdirSync(resolve(REPO_ROOT, dir)).filter((f) => f.endsWith('.ts'));
    const added = now.filter((f) => !then.includes(f));
    expect(then.filter((f) => !now.includes(f))).toEqual([]);
    expect(added).toHaveLength(1);
    expect(added[0]).toBe([...now].sort().at(-1));
    expect(readFileSync(resolve(REPO_ROOT, dir, added[0] ?? ''), 'utf8')).toContain(`class ${release.nextMigration} `);
  });
});
