import { escapeHtml as escape } from '../load/escape-html';
import { downStretches, type HealthSample } from './health-watch';
import { describeFault, FAULT_DESCRIPTIONS } from './nemesis';
import type { ChaosVerdict, ShareFigures } from './verdict';

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(1));
const share = (s: ShareFigures): string => `${s.failed} of ${s.requests} (${(s.share * 100).toFixed(2)} %)`;

const table = (head: readonly string[], rows: ReadonlyArray<readonly string[]>): string =>
  `<table><thead><tr>${head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

/** The chaos run's own sections of the load report: verdict, faults by kind, the timeline, health. */
export function chaosSections(
  verdict: ChaosVerdict,
  seed: number,
  t0: number,
  samples: readonly HealthSample[],
): Array<{ title: string; html: string }> {
  const f = verdict.figures;
  const cancelled = Object.entries(f.orders.cancelledByReason).map(([reason, n]) => `${reason} ${n}`);
  const verdictHtml = [
    `<p><strong>${verdict.passed ? 'PASS' : 'FAIL'}</strong> — seed ${seed} (<code>npm run chaos -- --seed ${seed}</code> with the same duration and rate replays the faults)</p>`,
    verdict.failures.length ? `<ul>${verdict.failures.map((x) => `<li>${escape(x)}</li>`).join('')}</ul>` : '',
    table(
      ['figure', 'value'],
      [
        ['orders accepted', String(f.orders.accepted)],
        ['confirmed', String(f.orders.confirmed)],
        ['cancelled by reason', cancelled.join(', ') || 'none'],
        ['not final', String(f.orders.notFinal.length)],
        ['requests failed while a fault was held or recovering', share(f.duringFaults)],
        ['requests failed otherwise', share(f.afterFaults)],
        ['requests hung (no answer within the client deadline)', String(f.hung)],
        ['worst recovery (s)', seconds(f.worstRecoveryMs)],
        ['dead letters explained (injected poison)', String(f.deadLetters.explained)],
        ['dead letters unexplained', String(f.deadLetters.unexplained.length)],
        ['poisons not dead-lettered', String(f.deadLetters.missing.length)],
      ],
    ),
  ].join('');
  const kinds = table(
    ['kind', 'what it does', 'applied', 'skipped', 'recovery p50 (s)', 'recovery max (s)', 'unrecovered'],
    f.byKind.map((k) => [
      k.kind,
      FAULT_DESCRIPTIONS[k.kind],
      String(k.applied),
      String(k.skipped),
      seconds(k.recoveryP50Ms),
      seconds(k.recoveryMaxMs),
      String(k.unrecovered),
    ]),
  );
  const timeline = table(
    ['#', 'start (s)', 'held (s)', 'fault', 'hit', 'recovered after (s)'],
    f.faults.map((x) => [
      String(x.n),
      seconds(x.startedAt - t0),
      seconds(x.endedAt - x.startedAt),
      describeFault(x),
      x.outcome === 'skipped' ? `skipped: ${x.detail}` : x.detail,
      seconds(x.recoveryMs),
    ]),
  );
  const stretches = downStretches(samples).map((d) => [
    d.id,
    seconds(d.from - t0),
    d.to === undefined ? 'to the end' : seconds(d.to - d.from),
  ]);
  return [
    { title: 'Chaos verdict', html: verdictHtml },
    { title: 'Faults by kind', html: kinds },
    { title: 'Fault timeline', html: timeline },
    {
      title: 'Down (an instance not ready, or the catalogue read through the balancer failing; looked at once a second)',
      html: stretches.length ? table(['down', 'from (s)', 'for (s)'], stretches) : '<p>nothing was ever down</p>',
    },
  ];
}
