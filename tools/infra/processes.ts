import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** True if a process with this pid exists (and may be signalled). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid on the first line of a pid file, or undefined if the file is missing or malformed. */
export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** A process's command line (from /proc, else `ps`), or undefined if it does not exist. */
export function commandLineOf(pid: number): string | undefined {
  const proc = `/proc/${pid}/cmdline`;
  if (existsSync('/proc/self/cmdline')) {
    try {
      return readFileSync(proc, 'utf8').split('\0').join(' ').trim();
    } catch {
      return undefined;
    }
  }
  const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 ? ps.stdout.trim() : undefined;
}

/**
 * The pid recorded in `pidFile` if that process is alive and its command line contains every one
 * of `marks`; undefined otherwise. Guards against a stale pid file whose pid now belongs to an
 * unrelated process, so that the launcher never signals a process it did not start.
 */
export function ownedPid(pidFile: string, marks: readonly string[]): number | undefined {
  const pid = readPidFile(pidFile);
  if (pid === undefined || !isAlive(pid)) return undefined;
  const commandLine = commandLineOf(pid);
  if (commandLine === undefined) return undefined;
  return marks.every((mark) => commandLine.includes(mark)) ? pid : undefined;
}

/**
 * Stops a process: SIGTERM, then waits up to `graceMs`, then SIGKILL.
 *
 * @returns `'terminated'`, `'killed'`, or `'not running'`
 */
export async function stopPid(pid: number, graceMs = 20_000): Promise<'terminated' | 'killed' | 'not running'> {
  if (!isAlive(pid)) return 'not running';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (!isAlive(pid)) return 'terminated';
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(100);
  return 'killed';
}

/** True if `command` can be run (it is on PATH, or an existing path). */
export function commandExists(command: string): boolean {
  const result = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
  return result.status === 0;
}

/** The last `bytes` bytes of a text file ('' if it does not exist). */
export function readTail(file: string, bytes = 65_536): string {
  if (!existsSync(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The last `lines` non-empty lines of a text file ('' if it does not exist). */
export function tailOf(file: string, lines = 5): string {
  return readTail(file)
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .slice(-lines)
    .join('\n');
}
