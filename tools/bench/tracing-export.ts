/**
 * `npm run bench:tracing`: what a Zipkin that stops answering costs an app's memory, with
 * OpenTelemetry's `ZipkinExporter` (before) and our `BoundedZipkinExporter` (after), in one run.
 *
 * Each exporter gets its own fresh child process (`--expose-gc`) with the app's span pipeline
 * (BatchSpanProcessor as `startTracing` configures it) and makes `BENCH_SPANS_PER_SECOND` spans/s
 * (default 1000, about what orders made under `npm run load -- --rate 20`) for `BENCH_SECONDS`
 * (default 60) against a Zipkin stand-in that accepts every connection and never answers. Then a
 * full collection, and the heap still in use: what the exporter keeps.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { REPO_ROOT } from '@shopmesh/testing';
import { BoundedZipkinExporter, SPAN_BATCHING } from '@shopmesh/tracing';
import { runBench } from './run-bench';

const SPANS_PER_SECOND = Number(process.env.BENCH_SPANS_PER_SECOND ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const VARIANTS = ['stock', 'bounded'] as const;
type Variant = (typeof VARIANTS)[number];

interface Result {
  variant: Variant;
  spans: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  requestsHeld: number;
  dropped: number;
}

const mb = (bytes: number): number => bytes / 1024 / 1024;

function usedHeapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** The child: one exporter, a hung Zipkin, a steady stream of spans. */
async function child(variant: Variant): Promise<void> {
  const held: ServerResponse[] = [];
  const zipkin = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    held.push(res); // never answered
  });
  await new Promise<void>((resolve) => zipkin.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(zipkin.address() as AddressInfo).port}/api/v2/spans`;
  let dropped = 0;
  const exporter: SpanExporter =
    variant === 'stock'
      ? new ZipkinExporter({ url, serviceName: 'orders' })
      : new BoundedZipkinExporter({ url, serviceName: 'orders', onDrop: (n) => (dropped += n) });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders' }),
    spanProcessors: [new BatchSpanProcessor({ exporter, ...SPAN_BATCHING })],
  });
  const tracer = provider.getTracer('bench');
  const heapBefore = usedHeapAfterGc();
  let spans = 0;
  const perTick = SPANS_PER_SECOND / 100;
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    for (let i = 0; i < perTick; i++) {
      const span = tracer.startSpan('orders.place', {
        kind: SpanKind.SERVER,
        attributes: { 'rpc.system': 'nest-tcp', 'rpc.method': 'orders.place', 'order.id': `${spans}-${'x'.repeat(36)}` },
      });
      span.end();
      spans += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const heapAfter = usedHeapAfterGc();
  const result: Result = {
    variant,
    spans,
    heapBeforeMb: mb(heapBefore),
    heapAfterMb: mb(heapAfter),
    requestsHeld: held.filter((r) => r.socket !== null && !r.socket.destroyed).length,
    dropped,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const variant of VARIANTS) {
    process.stderr.write(`${variant}: ${SPANS_PER_SECOND} spans/s for ${SECONDS} s against a Zipkin that never answers…\n`);
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, variant], {
      cwd: REPO_ROOT,
      env: { ...process.env, BENCH_TRACING_CHILD: variant },
    });
    results.push(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Result);
  }
  const stock = results.find((r) => r.variant === 'stock');
  const lines = [
    `${SPANS_PER_SECOND} spans/s for ${SECONDS} s, Zipkin accepting connections and never answering; heap in use after a full GC`,
    '',
    '| exporter | spans made | heap before (MB) | heap after (MB) | grew (MB) | posts left pending | spans dropped (counted) | growth ÷ stock |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) => {
      const grew = r.heapAfterMb - r.heapBeforeMb;
      const ratio = stock ? grew / (stock.heapAfterMb - stock.heapBeforeMb) : NaN;
      const name = r.variant === 'stock' ? "OpenTelemetry's ZipkinExporter" : 'BoundedZipkinExporter';
      return `| ${name} | ${r.spans} | ${r.heapBeforeMb.toFixed(1)} | ${r.heapAfterMb.toFixed(1)} | ${grew.toFixed(1)} | ${r.requestsHeld} | ${r.variant === 'stock' ? '—' : r.dropped} | ${ratio.toFixed(2)} |`;
    }),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

const childVariant = process.env.BENCH_TRACING_CHILD as Variant | undefined;
if (childVariant) void child(childVariant);
else runBench(main);
