import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const clockTicks = (): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
};
const TICKS_PER_SECOND = clockTicks();

/**
 * CPU time (user + system, all threads) another process has used so far, in ms, from
 * `/proc/<pid>/stat` (Linux; 10 ms resolution at 100 ticks/s). NaN where there is no procfs.
 */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after "(comm)": state is field 3, utime field 14, stime field 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU time of this process so far, in ms (all threads, the libuv pool included). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
