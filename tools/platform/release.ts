import { request } from 'node:http';
import type { ReleaseOptions, ReleaseReport } from './release-options';
import { runningSupervisor } from './supervisor-process';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

const USAGE =
  'usage: npm run release -- [--env <app>.<VAR>=<value>]… [--dist <directory>] [--deadline-ms <ms>] [--max-starting <n>]';

/** `--env orders.FEATURE_X=on --dist .run/next/dist --deadline-ms 120000` → the options of `POST /release`. */
function optionsOf(args: readonly string[]): ReleaseOptions {
  const env: Record<string, Record<string, string>> = {};
  const options: ReleaseOptions = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(USAGE);
    if (flag === '--env') {
      const match = /^([a-z][a-z0-9-]*)\.([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
      if (!match) throw new Error(`--env ${value}: expected <app>.<VAR>=<value>\n${USAGE}`);
      const [, app = '', name = '', setting = ''] = match;
      env[app] = { ...env[app], [name]: setting };
    } else if (flag === '--dist') {
      options.dist = value;
    } else if (flag === '--deadline-ms' && /^\d+$/.test(value)) {
      options.deadlineMs = Number(value);
    } else if (flag === '--max-starting' && /^\d+$/.test(value)) {
      options.maxStarting = Number(value);
    } else {
      throw new Error(USAGE);
    }
  }
  return Object.keys(env).length > 0 ? { ...options, env } : options;
}

/** POST with no client timeout: a release takes as long as the new set needs to start and the old one to drain. */
function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((ok, fail) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () =>
        ok({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }),
      );
      res.once('error', fail);
    });
    req.once('error', fail);
    req.end(JSON.stringify(body));
  });
}

/**
 * `npm run release`: a blue-green release of the whole platform by the supervisor `npm run up`
 * started (`POST /release`): a new set beside the running one, the balancer switched to it in one
 * step once every new instance is ready and the new gateways answer, then the old set drained. A
 * failure before the switch stops the new set and leaves the running one as it was.
 */
async function release(args: readonly string[]): Promise<void> {
  const options = optionsOf(args);
  const supervisor = runningSupervisor();
  if (!supervisor) throw new Error('no supervisor runs for this checkout (npm run up starts one)');
  say(`releasing beside the running set…`);
  const res = await post(`${supervisor.url}/release`, options);
  if (res.status !== 200) {
    const problem = res.body as { code?: string; title?: string };
    throw new Error(`the supervisor answered ${res.status} ${problem.code ?? ''}: ${problem.title ?? ''}`);
  }
  const report = res.body as ReleaseReport;
  for (const app of [...new Set(report.instances.map((i) => i.app))]) {
    const of = report.instances.filter((i) => i.app === app);
    const ready = Math.max(...of.map((i) => i.startedAfterSeconds + i.readySeconds));
    const processes = of.map((i) => `${i.id} pid ${i.pid ?? '-'} (was ${i.previousPid ?? '-'})`).join(', ');
    say(`${app}: ready ${ready.toFixed(1)} s after the start: ${processes}`);
  }
  say(
    `switch: ${report.switchedAt}, ${report.switchedAfterSeconds.toFixed(1)} s after the start (the balancer now sends to the new gateways)`,
  );
  say(`drain: the old set stopped in ${report.drainSeconds.toFixed(1)} s`);
  say(`released in ${report.totalSeconds.toFixed(1)} s; set ${report.set} serving`);
}

release(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`release failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
