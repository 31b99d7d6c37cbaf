import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isAlive, readPidFile } from './processes';

/** Blocks the thread for `ms` (the launcher's start steps are synchronous on purpose). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn` while holding an exclusive lock file (containing this process's pid), so that two
 * launchers started at once (a CLI and a Jest globalSetup, say) do not both start a server. A lock
 * left by a process that no longer exists is taken over. Synchronous, like the start steps it guards.
 *
 * @throws Error if the lock is still held by a live process after `timeoutMs`
 */
export function withFileLock<T>(file: string, timeoutMs: number, fn: () => T): T {
  mkdirSync(dirname(file), { recursive: true });
  const candidate = `${file}.${process.pid}`;
  writeFileSync(candidate, `${process.pid}\n`);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        linkSync(candidate, file); // atomic: fails with EEXIST while someone holds the lock
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readPidFile(file);
        if (holder === undefined || !isAlive(holder)) {
          rmSync(file, { force: true }); // stale: its holder is gone
          continue;
        }
        if (Date.now() > deadline) throw new Error(`lock ${file} is still held by pid ${holder}`);
        sleepSync(250);
      }
    }
  } finally {
    rmSync(candidate, { force: true });
  }
  try {
    return fn();
  } finally {
    rmSync(file, { force: true });
  }
}
