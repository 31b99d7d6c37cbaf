import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { metaOfMessage } from '@shopmesh/contracts';
import { sendTracedMessages } from './message-tracing';
import { serveRpc, traceCarrierOf, traceRpcCall } from './rpc-tracing';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

const spanNamed = (name: string, kind: SpanKind) => {
  const span = exporter.getFinishedSpans().find((s) => s.name === name && s.kind === kind);
  if (!span) throw new Error(`no ${SpanKind[kind]} span ${name}`);
  return span;
};

/** A TCP hop: what the client puts in the envelope's meta, as the server reads it back. */
const overTheWire = (meta: object) => metaOfMessage(JSON.parse(JSON.stringify({ meta, payload: {} })));

describe(traceRpcCall.name, () => {
  it('sends nothing when no trace is in progress', () => {
    expect(traceCarrierOf()).toEqual({});
  });

  it("gives the call the client span's context; the server's span is its child in the same trace", async () => {
    const sut = await traceRpcCall('catalog', 'catalog.products.get', (carrier) => {
      const meta = overTheWire({ correlationId: 'c-1', deadlineAt: Date.now() + 1000, ...carrier });
      const served = serveRpc('catalog', 'catalog.products.get', meta);
      served.run(() => trace.getActiveSpan()?.setAttribute('handled', true));
      served.end();
      return Promise.resolve(carrier);
    });
    const client = spanNamed('catalog.products.get', SpanKind.CLIENT);
    const server = spanNamed('catalog.products.get', SpanKind.SERVER);
    expect(sut.traceparent).toBe(`00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`);
    expect(server.spanContext().traceId).toBe(client.spanContext().traceId);
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(server.attributes).toMatchObject({ 'rpc.system': 'nestjs-tcp', 'rpc.method': 'catalog.products.get', handled: true });
    expect(client.attributes).toMatchObject({ 'rpc.service': 'catalog' });
  });

  it('marks both spans of a refused call with its stable code', async () => {
    const refusal = Object.assign(new Error('No such product'), { code: 'CATALOG.PRODUCT_NOT_FOUND' });
    const sut = traceRpcCall('catalog', 'catalog.products.get', (carrier) => {
      const served = serveRpc('catalog', 'catalog.products.get', overTheWire({ correlationId: 'c', deadlineAt: 1, ...carrier }));
      served.end(refusal);
      return Promise.reject(refusal);
    });
    await expect(sut).rejects.toBe(refusal);
    for (const kind of [SpanKind.CLIENT, SpanKind.SERVER]) {
      const span = spanNamed('catalog.products.get', kind);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'No such product' });
      expect(span.attributes).toMatchObject({
        'shopmesh.error.code': 'CATALOG.PRODUCT_NOT_FOUND',
        'error.type': 'CATALOG.PRODUCT_NOT_FOUND',
      });
    }
  });

  it('starts a new trace for a message whose trace context is malformed (it is dropped from the meta)', () => {
    const meta = overTheWire({ correlationId: 'c', deadlineAt: 1, traceparent: '00-nothex-01' });
    expect(meta).toEqual({ correlationId: 'c', deadlineAt: 1 });
    serveRpc('orders', 'orders.get', meta).end();
    expect(spanNamed('orders.get', SpanKind.SERVER).parentSpanContext).toBeUndefined();
  });

  it('does not trace health pings', async () => {
    await expect(traceRpcCall('orders', 'ops.ping', (carrier) => Promise.resolve(carrier))).resolves.toEqual({});
    serveRpc('orders', 'ops.ping', undefined).end();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe(sendTracedMessages.name, () => {
  it('sends each message in a span of the trace it was written in, and hands the consumer that span', async () => {
    const writer = trace.getTracer('test').startSpan('orders.place');
    const written = context.with(trace.setSpan(context.active(), writer), () => traceCarrierOf());
    writer.end();
    const traced = { topic: 'inventory.commands', key: 'order-1', headers: { 'x-message-type': 'ReserveStock.v1', ...written } };
    const untraced = { topic: 'orders.events', key: 'order-2', headers: { 'x-message-type': 'OrderPlaced.v1' } };
    const sent = await sendTracedMessages([traced, untraced], () => Promise.resolve('sent'));
    const send = spanNamed('send inventory.commands', SpanKind.PRODUCER);
    expect(sent).toBe('sent');
    expect(send.parentSpanContext?.spanId).toBe(writer.spanContext().spanId);
    expect(send.spanContext().traceId).toBe(writer.spanContext().traceId);
    expect(traced.headers.traceparent).toBe(`00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`);
    expect(untraced.headers).toEqual({ 'x-message-type': 'OrderPlaced.v1' });
    expect(exporter.getFinishedSpans()).toHaveLength(2); // the writer's and one send
  });

  it('marks the send spans failed when the batch fails', async () => {
    const writer = trace.getTracer('test').startSpan('orders.place');
    const headers = context.with(trace.setSpan(context.active(), writer), () => traceCarrierOf());
    writer.end();
    const down = Object.assign(new Error('broker down'), { name: 'KafkaJSConnectionError' });
    await expect(
      sendTracedMessages([{ topic: 't', key: 'k', headers: { ...headers } }], () => Promise.reject(down)),
    ).rejects.toBe(down);
    expect(spanNamed('send t', SpanKind.PRODUCER).status.code).toBe(SpanStatusCode.ERROR);
  });
});
