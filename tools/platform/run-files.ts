import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { REPO_ROOT } from '../infra/infra-config';

export const LOG_DIR = resolve(REPO_ROOT, '.run/logs');
export const PID_DIR = resolve(REPO_ROOT, '.run/pids');

export const pidFileOf = (app: string): string => resolve(PID_DIR, `${app}.pid`);
export const logFileOf = (app: string): string => resolve(LOG_DIR, `${app}.log`);

export function ensureRunDirs(): void {
  mkdirSync(LOG_DIR, { recursive: true });
  mkdirSync(PID_DIR, { recursive: true });
}

/** The environment the apps will see: the process environment over `.env`. */
export function platformEnv(): Record<string, string> {
  const file = resolve(REPO_ROOT, '.env');
  const fromFile = existsSync(file) ? (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const fromProcess = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  return { ...fromFile, ...fromProcess };
}

/** The pid in an app's pid file, if that process is alive. */
export function runningPid(app: string): number | undefined {
  const file = pidFileOf(app);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
