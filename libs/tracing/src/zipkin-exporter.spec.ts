import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BoundedZipkinExporter, toZipkinSpan, type ZipkinSpanJson } from './zipkin-exporter';

/** Real spans, made by a real tracer. */
async function makeSpans(count: number): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter: memory });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders' }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('test');
  for (let i = 0; i < count; i++) {
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, attributes: { 'http.route': '/v1/orders', n: i } });
    const child = tracer.startSpan('child', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), parent));
    child.addEvent('sent');
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
    child.end();
    parent.end();
  }
  await processor.forceFlush();
  return memory.getFinishedSpans();
}

/** A Zipkin stand-in on a real socket: records what it gets, or hangs when told to. */
class FakeZipkin {
  received: ZipkinSpanJson[][] = [];
  hang = false;
  status = 202;
  private readonly hung: ServerResponse[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (this.hang) return void this.hung.push(res);
        this.received.push(JSON.parse(body) as ZipkinSpanJson[]);
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v2/spans`;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const exported = async (
  exporter: BoundedZipkinExporter,
  spans: ReadableSpan[] | Promise<ReadableSpan[]>,
): Promise<ExportResult> => {
  const made = await spans;
  return new Promise((resolve) => exporter.export(made, resolve));
};

describe('BoundedZipkinExporter', () => {
  let zipkin: FakeZipkin;
  let url: string;

  beforeEach(async () => {
    zipkin = new FakeZipkin();
    url = await zipkin.start();
  });

  afterEach(() => zipkin.stop());

  it("posts spans in Zipkin's v2 format", async () => {
    const spans = await makeSpans(2);
    const exporter = new BoundedZipkinExporter({ url, serviceName: 'orders' });
    expect((await exported(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    const [batch] = zipkin.received;
    expect(batch).toHaveLength(4);
    const child = batch.find((s) => s.name === 'child')!;
    const parent = batch.find((s) => s.name === 'parent' && s.id === child.parentId)!;
    expect(parent).toMatchObject({ kind: 'SERVER', localEndpoint: { serviceName: 'orders' } });
    expect(parent.tags).toMatchObject({ 'http.route': '/v1/orders', 'service.name': 'orders' });
    expect(child).toMatchObject({ kind: 'CLIENT', traceId: parent.traceId, annotations: [{ value: 'sent' }] });
    expect(child.tags).toMatchObject({ 'otel.status_code': 'ERROR', error: 'declined' });
    expect(child.duration).toBeGreaterThanOrEqual(0);
    expect(child.timestamp).toBeGreaterThan(Date.UTC(2020, 0) * 1000); // microseconds since the epoch
    expect(batch).toEqual(spans.map((s) => JSON.parse(JSON.stringify(toZipkinSpan(s, 'orders'))) as ZipkinSpanJson));
  });

  it('fails a batch Zipkin refuses, and tells onDrop', async () => {
    const drops: Array<[number, string]> = [];
    zipkin.status = 500;
    const exporter = new BoundedZipkinExporter({ url, serviceName: 'orders', onDrop: (n, why) => drops.push([n, why]) });
    expect((await exported(exporter, makeSpans(1))).code).toBe(ExportResultCode.FAILED);
    expect(drops).toEqual([[2, 'Zipkin answered 500']]);
  });

  it('abandons a post Zipkin does not answer, drops what comes while posts hang, and recovers', async () => {
    const drops: number[] = [];
    zipkin.hang = true;
    const exporter = new BoundedZipkinExporter({
      url,
      serviceName: 'orders',
      timeoutMs: 300,
      maxInFlight: 2,
      onDrop: (n) => drops.push(n),
    });
    const [a, b, c] = await Promise.all([makeSpans(1), makeSpans(1), makeSpans(3)]);
    const first = exported(exporter, a);
    const second = exported(exporter, b);
    await new Promise((resolve) => setImmediate(resolve));
    expect(exporter.inFlight).toBe(2);
    // both slots busy: dropped at once, not queued
    expect((await exported(exporter, c)).code).toBe(ExportResultCode.FAILED);
    expect(drops).toEqual([6]);
    expect((await first).code).toBe(ExportResultCode.FAILED);
    expect((await second).code).toBe(ExportResultCode.FAILED);
    expect(exporter.inFlight).toBe(0);
    expect(drops).toEqual([6, 2, 2]);
    zipkin.hang = false;
    expect((await exported(exporter, makeSpans(1))).code).toBe(ExportResultCode.SUCCESS);
    expect(zipkin.received).toHaveLength(1);
  });

  it('refuses spans once shut down, after waiting for the posts in flight', async () => {
    const exporter = new BoundedZipkinExporter({ url, serviceName: 'orders' });
    const inFlight = exported(exporter, await makeSpans(1));
    await new Promise((resolve) => setImmediate(resolve));
    await exporter.shutdown();
    expect((await inFlight).code).toBe(ExportResultCode.SUCCESS);
    expect((await exported(exporter, makeSpans(1))).code).toBe(ExportResultCode.FAILED);
  });
});
