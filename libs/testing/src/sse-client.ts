/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseRead {
  status: number;
  contentType: string;
  /** The problem+json body when the answer is not a stream. */
  problem?: { code?: string; status?: number };
  events: SseEvent[];
  comments: string[];
  /** The server ended the stream (false: we stopped reading at `timeoutMs` or `until`). */
  ended: boolean;
}

/** Splits an event stream into events and comments (the subset of the SSE format a server of ours writes). */
export function parseSse(text: string): { events: SseEvent[]; comments: string[]; rest: string } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const blocks = text.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const event: SseEvent = { event: 'message', data: '' };
    const data: string[] = [];
    let hasField = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') data.push(value);
      else continue;
      hasField = true;
    }
    event.data = data.join('\n');
    if (hasField && data.length > 0) events.push(event);
  }
  return { events, comments, rest };
}

/**
 * Opens an event stream with fetch and reads it until the server ends it, `until` says enough,
 * or `timeoutMs` passes (then the connection is dropped, as a client going away would).
 */
export async function readSse(
  url: string,
  options: {
    token?: string;
    lastEventId?: string;
    timeoutMs?: number;
    until?: (events: SseEvent[]) => boolean;
    headers?: Record<string, string>;
  } = {},
): Promise<SseRead> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 60_000);
  try {
    const res = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        ...options.headers,
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.lastEventId !== undefined ? { 'last-event-id': options.lastEventId } : {}),
      },
      signal: controller.signal,
    });
    const contentType = res.headers.get('content-type') ?? '';
    if (!contentType.startsWith('text/event-stream')) {
      return {
        status: res.status,
        contentType,
        problem: (await res.json()) as SseRead['problem'],
        events: [],
        comments: [],
        ended: true,
      };
    }
    const read: SseRead = { status: res.status, contentType, events: [], comments: [], ended: false };
    if (!res.body) return { ...read, ended: true };
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          read.ended = true;
          break;
        }
        const parsed = parseSse(buffer + decoder.decode(value, { stream: true }));
        buffer = parsed.rest;
        read.events.push(...parsed.events);
        read.comments.push(...parsed.comments);
        if (options.until?.(read.events)) break;
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      controller.abort();
    }
    return read;
  } finally {
    clearTimeout(timer);
  }
}
