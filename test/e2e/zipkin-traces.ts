import { waitUntil } from '@shopmesh/testing';

/** A span as Zipkin's API v2 returns it (the fields the suites read). */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/** The spans of one trace so far (`GET /api/v2/trace/<id>`; none while Zipkin has not received any). */
export async function traceOf(zipkinUrl: string, traceId: string): Promise<ZipkinSpan[]> {
  const response = await fetch(`${zipkinUrl}/api/v2/trace/${traceId}`);
  if (response.status === 404) return [];
  if (response.status !== 200) throw new Error(`Zipkin answered ${response.status} for trace ${traceId}`);
  return (await response.json()) as ZipkinSpan[];
}

/** Waits until the trace satisfies `complete` (spans arrive in batches, each service on its own). */
export function traceWhen(
  zipkinUrl: string,
  traceId: string,
  complete: (spans: ZipkinSpan[]) => boolean,
  timeoutMs = 30_000,
): Promise<ZipkinSpan[]> {
  return waitUntil(
    `trace ${traceId} in Zipkin`,
    async () => {
      const spans = await traceOf(zipkinUrl, traceId);
      return complete(spans) && spans;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

export const serviceOf = (span: ZipkinSpan): string => span.localEndpoint?.serviceName ?? '?';

/** The chain of spans from `span` up to the root of what the trace holds (the span first). */
export function ancestryOf(spans: readonly ZipkinSpan[], span: ZipkinSpan): ZipkinSpan[] {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const chain = [span];
  for (let parent = span.parentId && byId.get(span.parentId); parent; parent = parent.parentId && byId.get(parent.parentId)) {
    chain.push(parent);
  }
  return chain;
}

/** `service  KIND  name  <- parent service/name`, one line per span, in start order of the tree. */
export function spanList(spans: readonly ZipkinSpan[]): string {
  const byId = new Map(spans.map((s) => [s.id, s]));
  return spans
    .map((s) => {
      const parent = s.parentId ? byId.get(s.parentId) : undefined;
      const from = parent ? `${serviceOf(parent)}/${parent.name}` : s.parentId ? '(outside the trace)' : '(root)';
      return `${serviceOf(s).padEnd(9)} ${(s.kind ?? 'INTERNAL').padEnd(8)} ${s.name.padEnd(34)} <- ${from}`;
    })
    .join('\n');
}
