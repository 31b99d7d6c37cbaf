import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDotEnv } from '@shopmesh/config';
import { parseDuration, positive, runCli, UsageError } from '../cli/cli-args';
import { auditConnectionOf } from '../invariants/audit-invariants';
import { concludeLoad } from './conclude';
import { formatProgress } from './progress';
import type { LoadEvent } from './records';
import { runLoad } from './run-load';
import { DEFAULT_MIX, DEFAULT_PAYMENT_TOKENS } from './shopper-mix';
import { formatSummary } from './summary';

const USAGE = `usage: npm run load -- --rate 50 --duration 60s [options]
  --rate N              session arrivals per second (open loop; each session is 1-5 requests)   [10]
  --duration D          how long arrivals go on: 90s, 2m, 500ms                                  [60s]
  --gateway URL         the gateway                                              [http://localhost:3000]
  --seed N              the seed of arrivals and the mix (same seed, same run)                   [1]
  --arrival KIND        poisson (exponential gaps) or fixed (even interval)                      [poisson]
  --mix K=W,...         scenario weights, e.g. browse=50,checkout=50 (others 0)
                        [${Object.entries(DEFAULT_MIX)
                          .map(([k, v]) => `${k}=${v}`)
                          .join(',')}]
  --tokens K=W,...      payment token weights [${Object.entries(DEFAULT_PAYMENT_TOKENS)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}]
  --shoppers N          registered shoppers (default: 4 × registered sessions/s + 4)
  --max-in-flight N     sessions at most in flight; arrivals beyond are dropped and counted      [512]
  --timeout D           client deadline of every request                                         [10s]
  --settle D            after the load, how long to wait for every order to be final             [45s]
  --report PATH         the HTML report                                 [.run/load/<timestamp>.html]
  --events FILE         JSON [{"at": <epoch ms or ISO>, "label": "..."}] drawn as markers on the charts
  --max-error-rate R    fail when more than this share (0..1) of requests failed
  --orders-db, --inventory-db, --payments-db NAME   the databases the invariants are audited on
                        (else ORDERS_DB_NAME etc. from the environment or .env; POSTGRES_* likewise)
  --no-invariants       skip the invariant audit
Exit code: 0 on PASS; 1 on invariant violations, orders not final, idempotency mismatches or errors over
--max-error-rate; 2 on bad usage or a setup failure.`;

export { parseDuration };

/** `a=1,b=2` into {a: 1, b: 2}. */
export function parseWeights(value: string, flag: string, known?: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of value.split(',').filter(Boolean)) {
    const [key, weight] = part.split('=').map((s) => s.trim());
    if (!key || weight === undefined || !/^\d+(\.\d+)?$/.test(weight))
      throw new UsageError(`${flag}: expected name=weight,…, got "${part}"`);
    if (known && !known.includes(key)) throw new UsageError(`${flag}: unknown scenario "${key}" (one of ${known.join(', ')})`);
    out[key] = Number(weight);
  }
  if (!Object.values(out).some((w) => w > 0)) throw new UsageError(`${flag}: at least one weight must be positive`);
  return out;
}

function readEvents(file: string): LoadEvent[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Array<{ at: number | string; label: string }>;
  return raw.map((e) => ({ at: typeof e.at === 'number' ? e.at : Date.parse(e.at), label: String(e.label) }));
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string' },
      duration: { type: 'string' },
      gateway: { type: 'string' },
      seed: { type: 'string' },
      arrival: { type: 'string' },
      mix: { type: 'string' },
      tokens: { type: 'string' },
      shoppers: { type: 'string' },
      'max-in-flight': { type: 'string' },
      timeout: { type: 'string' },
      settle: { type: 'string' },
      report: { type: 'string' },
      events: { type: 'string' },
      'max-error-rate': { type: 'string' },
      'orders-db': { type: 'string' },
      'inventory-db': { type: 'string' },
      'payments-db': { type: 'string' },
      'no-invariants': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  loadDotEnv();
  const arrival = values.arrival ?? 'poisson';
  if (arrival !== 'poisson' && arrival !== 'fixed') throw new UsageError(`--arrival: poisson or fixed, got "${arrival}"`);
  const maxErrorRate = values['max-error-rate'] === undefined ? undefined : Number(values['max-error-rate']);
  if (maxErrorRate !== undefined && !(maxErrorRate >= 0 && maxErrorRate <= 1))
    throw new UsageError('--max-error-rate: a share from 0 to 1');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reportPath = resolve(values.report ?? `.run/load/${stamp}.html`);
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping arrivals; waiting for the orders under way (Ctrl-C again to quit)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const interactive = process.stderr.isTTY;
  const result = await runLoad({
    gatewayUrl: values.gateway ?? 'http://localhost:3000',
    rate: positive(values.rate, 10, '--rate'),
    durationMs: parseDuration(values.duration ?? '60s', '--duration'),
    seed: Math.floor(positive(values.seed, 1, '--seed')),
    arrival,
    mix: values.mix ? parseWeights(values.mix, '--mix', Object.keys(DEFAULT_MIX)) : undefined,
    paymentTokens: values.tokens ? parseWeights(values.tokens, '--tokens') : undefined,
    shoppers: values.shoppers === undefined ? undefined : Math.floor(positive(values.shoppers, 1, '--shoppers')),
    maxInFlight: Math.floor(positive(values['max-in-flight'], 512, '--max-in-flight')),
    timeoutMs: parseDuration(values.timeout ?? '10s', '--timeout'),
    settleMs: parseDuration(values.settle ?? '45s', '--settle'),
    signal: controller.signal,
    onProgress: (p) => process.stderr.write(interactive ? `\r${formatProgress(p)}\u001b[K` : `${formatProgress(p)}\n`),
  });
  if (interactive) process.stderr.write('\n');
  const audit = values['no-invariants']
    ? undefined
    : auditConnectionOf(
        { ...process.env },
        { orders: values['orders-db'], inventory: values['inventory-db'], payments: values['payments-db'] },
      );
  const { summary, verdict } = await concludeLoad(result, {
    audit,
    maxErrorRate,
    reportPath,
    events: values.events ? readEvents(values.events) : undefined,
  });
  process.stdout.write(`${formatSummary(result, summary, verdict)}\nreport: ${reportPath}\n`);
  return verdict.passed ? 0 : 1;
}

if (require.main === module) runCli(main, USAGE);
