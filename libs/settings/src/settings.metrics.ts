import type { Metrics } from '@shopmesh/metrics';
import { Gauge } from 'prom-client';
import type { LiveSettings } from './live-settings';

/** `shopmesh_settings_version` and `shopmesh_settings_stale`, read from the instance's settings at scrape time. */
export function registerSettingsMetrics(metrics: Metrics, settings: LiveSettings): void {
  new Gauge({
    name: 'shopmesh_settings_version',
    help: 'Version of the live settings this instance applies (0: none set in the store, or never read).',
    registers: [metrics.registry],
    collect() {
      this.set(settings.state.version);
    },
  });
  new Gauge({
    name: 'shopmesh_settings_stale',
    help: 'Whether this instance serves its last good live settings because the store does not answer (1) or reads it (0).',
    registers: [metrics.registry],
    collect() {
      this.set(settings.state.stale ? 1 : 0);
    },
  });
}
