import type { LoadResult, LoadSummary } from '../load';
import type { OrderRecord, RequestRecord } from '../load/records';
import type { AppliedFault } from './fault-actions';
import { downStretches, recoveryMs, type HealthSample } from './health-watch';
import { affectedBy, chaosVerdictOf, formatChaosVerdict, type ChaosVerdictInput } from './verdict';

const T0 = 1_000_000;
const INSTANCES = ['orders', 'orders-2', 'cart', 'gateway'];
const sample = (s: number, down: string[] = []): HealthSample => ({ at: T0 + s * 1000, whole: down.length === 0, down });
const fault = (
  n: number,
  kind: AppliedFault['kind'],
  target: string,
  from: number,
  to: number,
  outcome: AppliedFault['outcome'] = 'applied',
): AppliedFault => ({
  n,
  kind,
  target,
  at: from * 1000,
  durationMs: (to - from) * 1000,
  startedAt: T0 + from * 1000,
  endedAt: T0 + to * 1000,
  outcome,
  detail: 'x',
});
const request = (s: number, outcome: RequestRecord['outcome']): RequestRecord => ({
  session: 0,
  scenario: 'browse',
  step: 'list',
  method: 'GET',
  route: '/v1/products',
  startedAt: T0 + s * 1000,
  ms: 10,
  status: outcome === 'ok' ? 200 : 0,
  outcome,
  correlationId: 'c',
});
const order = (status: OrderRecord['status'], reason?: string, final = true): OrderRecord => ({
  orderId: `o-${status}-${reason ?? ''}`,
  scenario: 'checkout',
  via: 'checkout',
  paymentToken: 'tok_visa',
  placedAt: T0,
  cancelAccepted: false,
  status,
  step: 'x',
  reason,
  terminalSeenAt: final ? T0 + 5000 : undefined,
});

function input(overrides: Partial<ChaosVerdictInput> = {}): ChaosVerdictInput {
  const orders = [order('CONFIRMED'), order('CANCELLED', 'TIMEOUT'), order('CANCELLED', 'PAYMENT_DECLINED')];
  return {
    seed: 7,
    instances: INSTANCES,
    faults: [
      fault(1, 'kill', 'orders', 10, 10),
      fault(2, 'rpc-latency', 'cart', 12, 20),
      fault(3, 'kafka-restart', 'kafka', 30, 35),
    ],
    samples: [
      sample(9),
      sample(11, ['orders']),
      sample(14, ['orders', 'gateway-probe']),
      sample(16),
      sample(21),
      sample(36, ['cart']),
      sample(38),
    ],
    result: {
      requests: [request(5, 'ok'), request(11, 'network'), request(13, 'ok'), request(25, 'ok'), request(40, 'ok')],
      orders,
    } as unknown as LoadResult,
    summary: { orders: { notFinal: [] } } as unknown as LoadSummary,
    loadVerdict: { passed: true, failures: [], violations: [] },
    requiredKinds: ['kill', 'rpc-latency', 'kafka-restart'],
    deadLetters: { explained: 1, unexplained: [], missing: [] },
    ...overrides,
  };
}

describe('the chaos verdict', () => {
  it('passes a run whose faults all recovered, and gives its figures', () => {
    const { passed, failures, figures } = chaosVerdictOf(input());
    expect(failures).toEqual([]);
    expect(passed).toBe(true);
    // the kill: orders down until 16 s, 6 s after; the latency on cart took nothing down; the broker: all ready at 38 s
    expect(figures.faults.map((f) => f.recoveryMs)).toEqual([6000, 1000, 3000]);
    expect(figures.worstRecoveryMs).toBe(6000);
    // under a fault from its start to its recovery: 10-16, 12-21, 30-38 s
    expect(figures.duringFaults).toEqual({ requests: 2, failed: 1, share: 0.5 });
    expect(figures.afterFaults).toEqual({ requests: 3, failed: 0, share: 0 });
    expect(figures.orders).toEqual({
      accepted: 3,
      confirmed: 1,
      cancelledByReason: { TIMEOUT: 1, PAYMENT_DECLINED: 1 },
      notFinal: [],
    });
    expect(formatChaosVerdict(chaosVerdictOf(input()), 7)).toContain('chaos verdict (seed 7): PASS');
  });

  it('fails on a kind never applied, a hung request, an unrecovered fault, an unexplained or missing dead letter, the load verdict', () => {
    const { passed, failures } = chaosVerdictOf(
      input({
        faults: [fault(1, 'kill', 'orders', 10, 10, 'skipped'), fault(2, 'pause', 'cart', 30, 36)],
        samples: [sample(9), sample(37, ['cart']), sample(40, ['cart'])],
        result: { requests: [request(5, 'timeout')], orders: [] } as unknown as LoadResult,
        loadVerdict: { passed: false, failures: ['1 invariant violation(s)'], violations: [] },
        deadLetters: { explained: 0, unexplained: ['inventory.events key k: boom'], missing: ['payments.commands key p'] },
      }),
    );
    expect(passed).toBe(false);
    expect(failures).toEqual([
      '1 invariant violation(s)',
      'fault kind(s) never applied: kill, rpc-latency, kafka-restart',
      "1 request(s) hung past the client's deadline",
      'what it took down was not ready again after: #2 pause cart for 6.0 s',
      '1 dead letter(s) not injected: inventory.events key k: boom',
      'poison taken or lost (no dead letter): payments.commands key p',
    ]);
  });

  it('knows what each fault takes down', () => {
    const f = (kind: AppliedFault['kind'], target: string) => fault(1, kind, target, 0, 1);
    expect(affectedBy(f('slow-consumer', 'orders'), INSTANCES)).toEqual(['orders', 'orders-2']);
    expect(affectedBy(f('pg-terminate', 'cart'), INSTANCES)).toEqual(['cart']);
    expect(affectedBy(f('kafka-restart', 'kafka'), INSTANCES)).toBe('all');
    expect(affectedBy(f('poison', 'inventory.events'), INSTANCES)).toEqual([]);
    expect(affectedBy(f('rpc-partition', 'orders-2'), INSTANCES)).toEqual(['orders-2']);
  });
});

describe('health samples', () => {
  const samples = [sample(1), sample(2, ['a']), sample(3, ['a', 'b']), sample(4, ['b']), sample(5), sample(6, ['a'])];

  it('recovery: to the first sample where what was affected is up (or everything, for all)', () => {
    expect(recoveryMs(samples, T0 + 2000, ['a'])).toBe(2000);
    expect(recoveryMs(samples, T0 + 2000, 'all')).toBe(3000);
    expect(recoveryMs(samples, T0 + 5500, ['a'])).toBeUndefined();
  });

  it('down stretches per instance', () => {
    expect(downStretches(samples)).toEqual([
      { id: 'a', from: T0 + 2000, to: T0 + 4000 },
      { id: 'b', from: T0 + 3000, to: T0 + 5000 },
      { id: 'a', from: T0 + 6000 },
    ]);
  });
});
