import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMicroseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

export interface ZipkinExporterOptions {
  /** Zipkin's span intake, `http://zipkin:9411/api/v2/spans`. */
  url: string;
  serviceName: string;
  /** How long one post may take before it is abandoned (its spans dropped). */
  timeoutMs?: number;
  /** Posts in flight at once; a batch that finds them all busy is dropped. */
  maxInFlight?: number;
  /** Told of every batch not delivered (how many spans, and why), to log or count. */
  onDrop?: (spans: number, reason: string) => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_IN_FLIGHT = 2;

const ZIPKIN_KINDS: Record<SpanKind, string | undefined> = {
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
  [SpanKind.INTERNAL]: undefined,
};

/** A span in Zipkin's v2 JSON (the same fields OpenTelemetry's Zipkin exporter writes). */
export interface ZipkinSpanJson {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  timestamp: number;
  duration: number;
  localEndpoint: { serviceName: string };
  tags: Record<string, string>;
  annotations?: Array<{ timestamp: number; value: string }>;
}

/** Zipkin tags are strings: numbers, booleans and arrays as JSON. */
function putAttributes(tags: Record<string, string>, attributes: Attributes): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    tags[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
}

function tagsOf(span: ReadableSpan): Record<string, string> {
  const tags: Record<string, string> = {};
  putAttributes(tags, span.attributes);
  if (span.status.code !== SpanStatusCode.UNSET) tags['otel.status_code'] = SpanStatusCode[span.status.code];
  if (span.status.code === SpanStatusCode.ERROR && span.status.message) tags.error = span.status.message;
  if (span.droppedAttributesCount) tags['otel.dropped_attributes_count'] = String(span.droppedAttributesCount);
  if (span.droppedEventsCount) tags['otel.dropped_events_count'] = String(span.droppedEventsCount);
  if (span.droppedLinksCount) tags['otel.dropped_links_count'] = String(span.droppedLinksCount);
  putAttributes(tags, span.resource.attributes);
  return tags;
}

export function toZipkinSpan(span: ReadableSpan, serviceName: string): ZipkinSpanJson {
  return {
    traceId: span.spanContext().traceId,
    id: span.spanContext().spanId,
    parentId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: ZIPKIN_KINDS[span.kind],
    timestamp: hrTimeToMicroseconds(span.startTime),
    duration: Math.round(hrTimeToMicroseconds(span.duration)),
    localEndpoint: { serviceName },
    tags: tagsOf(span),
    annotations: span.events.length
      ? span.events.map((event) => ({ timestamp: Math.round(hrTimeToMicroseconds(event.time)), value: event.name }))
      : undefined,
  };
}

/**
 * Posts spans to Zipkin, with bounds OpenTelemetry's `ZipkinExporter` does not have: each post is
 * abandoned after `timeoutMs`, and at most `maxInFlight` are in flight, a batch that finds them busy
 * being dropped. With the stock exporter, a Zipkin that accepts connections and stops answering (an
 * overloaded one did, under `npm run load`) left every post pending for good, each holding its
 * batch of spans: the BatchSpanProcessor gives up waiting after its export timeout and starts the
 * next post, so the services' memory grew for as long as Zipkin hung (orders held 100 000 spans,
 * 150 MB, BENCHMARKS.md, Footprint). Tracing is best effort: spans are dropped, never the app slowed.
 *
 * `fetch` (undici) rather than `http`: the HTTP instrumentation does not see these posts, so the
 * export never traces itself.
 */
export class BoundedZipkinExporter implements SpanExporter {
  private readonly pending = new Set<Promise<void>>();
  private shutDown = false;
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;

  constructor(private readonly options: ZipkinExporterOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  }

  /** Posts in flight now. */
  get inFlight(): number {
    return this.pending.size;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.shutDown) return resultCallback({ code: ExportResultCode.FAILED, error: new Error('the exporter is shut down') });
    if (spans.length === 0) return resultCallback({ code: ExportResultCode.SUCCESS });
    if (this.pending.size >= this.maxInFlight) {
      this.options.onDrop?.(spans.length, `${this.pending.size} posts to Zipkin still in flight`);
      return resultCallback({ code: ExportResultCode.FAILED, error: new Error('Zipkin is busy') });
    }
    const body = JSON.stringify(spans.map((span) => toZipkinSpan(span, this.options.serviceName)));
    const post = this.post(body).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.options.onDrop?.(spans.length, reason);
        resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(reason) });
      },
    );
    this.pending.add(post);
    void post.finally(() => this.pending.delete(post));
  }

  private async post(body: string): Promise<void> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // read the answer to the end, so that the connection is free for the next post
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`Zipkin answered ${response.status}`);
  }

  /** Waits for the posts in flight (each ends within `timeoutMs`). */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async shutdown(): Promise<void> {
    this.shutDown = true;
    await this.forceFlush();
  }
}
