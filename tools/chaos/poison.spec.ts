import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as contracts from '@shopmesh/contracts';
import { DlqHeaders, EnvelopeSchema, type DeadLetter } from '@shopmesh/messaging';
import { POISONABLE_TOPICS, POISON_HEADER, explainDeadLetters, poisonMessageOf, type PoisonMessage } from './poison';

const letter = (extra: Partial<DeadLetter> & { headers?: Record<string, string> }): DeadLetter => ({
  partition: 0,
  offset: '0',
  key: 'some-order',
  value: '{"id":"00000000-0000-4000-8000-000000000000"}',
  ...extra,
  headers: {
    [DlqHeaders.originalTopic]: 'payments.commands',
    [DlqHeaders.failedAt]: '2026-12-03T11:00:00.000Z',
    ...extra.headers,
  },
});

describe(poisonMessageOf.name, () => {
  const now = Date.parse('2026-12-03T11:00:00.000Z');

  it.each(POISONABLE_TOPICS)('poisons %s: an envelope broken only in its date, marked by key and header', (topic) => {
    const { poison, message } = poisonMessageOf(topic, 'run1', 3, now);
    expect(poison).toEqual({ topic, key: 'chaos-poison-run1-3', id: expect.any(String), at: now, marker: 'run1-3' });
    expect(message.key).toBe(poison.key);
    expect(message.headers[POISON_HEADER]).toBe('run1-3');
    const parsed = JSON.parse(message.value) as Record<string, unknown>;
    expect(EnvelopeSchema.safeParse(parsed).success).toBe(false); // what every consumer checks first
    const repaired = EnvelopeSchema.safeParse({ ...parsed, occurredAt: new Date(poison.at).toISOString() });
    expect(repaired.success).toBe(true); // one defect: a valid id, type, key and correlation id
    expect(repaired.data?.id).toBe(poison.id);
    const definition = contracts.MESSAGE_CATALOGUE.find((d) => d.type === parsed.type && d.version === parsed.version);
    expect(definition?.topic).toBe(topic); // one of the topic's own types…
    expect(definition?.payload.safeParse(parsed.payload).success).toBe(false); // …whose payload breaks its contract too
  });

  it('gives each poison its own envelope id', () => {
    expect(poisonMessageOf('catalog.events', 'r', 1).poison.id).not.toBe(poisonMessageOf('catalog.events', 'r', 1).poison.id);
  });
});

describe('POISONABLE_TOPICS', () => {
  /** The topics the apps' consumers register (`topics: [SomeMessage.topic]` in `*.consumer.ts`). */
  const consumedTopics = (): string[] => {
    const apps = resolve(__dirname, '../../apps');
    const files = readdirSync(apps, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.consumer.ts') && f.includes('/src/'),
    );
    const names = files.flatMap((f) =>
      [...readFileSync(join(apps, f), 'utf8').matchAll(/topics: \[(\w+)\.topic\]/g)].map((m) => m[1]),
    );
    expect(names.length).toBeGreaterThanOrEqual(5);
    return names.map((name) => (contracts as unknown as Record<string, { topic: string }>)[name].topic);
  };

  it('is exactly the topics our services consume', () => {
    expect([...new Set(consumedTopics())].sort()).toEqual([...POISONABLE_TOPICS].sort());
  });
});

describe(explainDeadLetters.name, () => {
  const poison: PoisonMessage = {
    topic: 'payments.commands',
    key: 'chaos-poison-run1-0',
    id: '11111111-1111-4111-8111-111111111111',
    at: 0,
    marker: 'run1-0',
  };
  const byKey = letter({ key: poison.key, offset: '1' });
  const byHeader = letter({ key: null, offset: '2', headers: { [POISON_HEADER]: 'run1-0' } });
  const byId = letter({ key: 'rekeyed', offset: '3', value: JSON.stringify({ id: poison.id, occurredAt: 1 }) });
  const unrelated = letter({ offset: '4' });
  const notJson = letter({ offset: '5', value: 'not json {' });
  const otherRun = letter({ key: 'chaos-poison-run2-0', offset: '6', headers: { [POISON_HEADER]: 'run2-0' } });
  const otherTopic = letter({ key: poison.key, offset: '7', headers: { [DlqHeaders.originalTopic]: 'catalog.events' } });

  it('explains the letters of the poisons injected, by key, marker header or envelope id, and nothing else', () => {
    const sut = explainDeadLetters([byKey, unrelated, byHeader, notJson, byId, otherRun, otherTopic], [poison]);
    expect(sut.explained).toEqual([byKey, byHeader, byId]);
    expect(sut.unexplained).toEqual([unrelated, notJson, otherRun, otherTopic]);
    expect(sut.missing).toEqual([]);
  });

  it('names the poisons no letter was found for, and explains nothing without poisons', () => {
    const never = { ...poison, key: 'chaos-poison-run1-1', id: '22222222-2222-4222-8222-222222222222', marker: 'run1-1' };
    expect(explainDeadLetters([byKey], [poison, never]).missing).toEqual([never]);
    expect(explainDeadLetters([byKey, unrelated], [])).toEqual({ explained: [], unexplained: [byKey, unrelated], missing: [] });
  });
});
