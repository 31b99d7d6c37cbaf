import type { AuditEntry, DeadLetters, Overview, SagaList, Timeline } from './api';
import { h, seconds, time } from './dom';

/** Services → instances → readiness per dependency, outbox and consumer lag. */
export function servicesPanel(overview: Overview): HTMLElement {
  const table = h(
    'table',
    { id: 'services-table' },
    h(
      'thead',
      {},
      h('tr', {}, ...['Service', 'Instance', 'Ready', 'Dependencies', 'Outbox', 'Consumer lag'].map((t) => h('th', {}, t))),
    ),
  );
  const body = h('tbody');
  for (const service of overview.services) {
    if (service.instances.length === 0)
      body.append(h('tr', {}, h('td', {}, service.name), h('td', { colspan: '5' }, 'no instance known')));
    for (const instance of service.instances) {
      const status = instance.status;
      const ready = status ? (status.ready ? 'ready' : 'NOT READY') : `unreachable (${instance.error?.code ?? '?'})`;
      const checks = h(
        'ul',
        {},
        ...(status?.checks ?? []).map((c) => h('li', { class: c.status === 'up' ? 'up' : 'down' }, `${c.name}: ${c.status}`)),
      );
      const outbox = status?.outbox ? `${status.outbox.backlog} pending, oldest ${status.outbox.oldestAgeSeconds} s` : '—';
      const lag = h(
        'ul',
        {},
        ...(status?.consumerLag ?? [])
          .filter((l) => l.lag > 0)
          .map((l) => h('li', {}, `${l.groupId} ${l.topic}[${l.partition}]: ${l.lag}`)),
      );
      const totalLag = (status?.consumerLag ?? []).reduce((sum, l) => sum + l.lag, 0);
      body.append(
        h(
          'tr',
          { 'data-service': service.name, 'data-ready': String(status?.ready ?? false) },
          h('td', {}, service.name),
          h('td', {}, instance.address, status ? ` (pid ${status.pid}, up ${status.uptimeSeconds} s)` : ''),
          h('td', { class: status?.ready ? 'up' : 'down' }, ready),
          h('td', {}, checks),
          h('td', {}, outbox),
          h('td', {}, status ? `${totalLag} total` : '—', lag),
        ),
      );
    }
  }
  table.append(body);
  return table;
}

export interface SagaHandlers {
  act(orderId: string, action: 'retry' | 'compensate'): void;
  show(orderId: string): void;
}

export function sagaRows(list: SagaList, handlers: SagaHandlers): HTMLTableRowElement[] {
  const now = Date.now();
  return list.sagas.map((saga) => {
    const button = (action: 'retry' | 'compensate', label: string) => {
      const b = h('button', { type: 'button', 'data-action': action }, label);
      b.addEventListener('click', () => handlers.act(saga.orderId, action));
      return b;
    };
    const link = h('a', { href: `#order-${saga.orderId}` }, saga.orderId);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      handlers.show(saga.orderId);
    });
    return h(
      'tr',
      { 'data-order-id': saga.orderId, 'data-stuck': String(saga.stuck), class: saga.stuck ? 'stuck' : '' },
      h('td', {}, link),
      h('td', {}, saga.step, saga.reason ? ` (${saga.reason})` : ''),
      h('td', {}, saga.awaiting.join(', ') || '—'),
      h('td', {}, seconds(now - Date.parse(saga.createdAt))),
      h('td', {}, saga.deadlineAt ? time(saga.deadlineAt) : '—'),
      h('td', {}, saga.stuck ? `STUCK: ${saga.stuckBecause ?? ''}` : 'no'),
      h('td', {}, button('retry', 'Retry'), button('compensate', 'Compensate')),
    );
  });
}

export function timelinePanel(timeline: Timeline): HTMLElement {
  const { order } = timeline;
  return h(
    'div',
    { 'data-order-id': order.id },
    h(
      'p',
      {},
      'Order ',
      h('code', {}, order.id),
      ' is ',
      h('strong', { id: 'timeline-status' }, order.status),
      ` (step ${order.step}${order.cancellationReason ? `, ${order.cancellationReason}` : ''}). `,
      timeline.traceUrl
        ? h('a', { href: timeline.traceUrl, target: '_blank', rel: 'noopener noreferrer', id: 'trace-link' }, 'Trace')
        : h('span', { class: 'muted' }, 'No trace recorded for this order.'),
    ),
    h(
      'ol',
      {},
      ...order.statusHistory.map((e) =>
        h('li', {}, `${time(e.at)} — ${e.status} / ${e.step}${e.reason ? ` (${e.reason})` : ''}`),
      ),
    ),
  );
}

export function deadLettersPanel(report: DeadLetters, redrive: (topic: string) => void): HTMLElement {
  const table = h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...['Topic', 'Letters', 'Latest errors', 'Redrive'].map((t) => h('th', {}, t)))),
  );
  const body = h('tbody');
  for (const topic of report.topics) {
    const button = h('button', { type: 'button', 'data-topic': topic.topic }, `Redrive (by ${topic.producer})`);
    button.addEventListener('click', () => redrive(topic.topic));
    if (topic.letters.length === 0) button.setAttribute('disabled', '');
    const errors = h(
      'ul',
      {},
      ...topic.letters
        .slice(-5)
        .map((l) =>
          h(
            'li',
            {},
            `${l.type ?? 'message'} ${l.key ?? ''} @${l.partition}:${l.offset} — ${l.error ?? 'no error recorded'} (${l.attempts ?? '?'} attempts, ${l.consumer ?? '?'}, ${l.failedAt ?? '?'})`,
          ),
        ),
    );
    body.append(
      h(
        'tr',
        { 'data-topic': topic.topic },
        h('td', {}, `${topic.topic}.dlq`),
        h('td', {}, topic.error ? `unreadable: ${topic.error.message}` : String(topic.letters.length)),
        h('td', {}, errors),
        h('td', {}, button),
      ),
    );
  }
  table.append(body);
  return table;
}

export function auditRows(entries: AuditEntry[]): HTMLTableRowElement[] {
  return entries.map((e) =>
    h(
      'tr',
      { 'data-action': e.action },
      h('td', {}, new Date(e.at).toLocaleString()),
      h('td', {}, e.actorEmail),
      h('td', {}, e.service),
      h('td', {}, e.action),
      h('td', {}, e.target),
      h('td', {}, e.outcome),
      h('td', {}, e.detail ?? ''),
    ),
  );
}
