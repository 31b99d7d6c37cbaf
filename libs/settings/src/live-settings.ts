import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import type { FieldError } from '@shopmesh/contracts';
import type { ReadinessContributor } from '@shopmesh/health';
import type { Redis } from 'ioredis';
import { SETTINGS_SCHEMA, type SettingKey, type SettingValue, type SettingsValues } from './settings-schema';
import type { SettingsStore, StoredSettings } from './settings-store';
import type { StoredValues } from './settings-validation';

export interface LiveSettingsOptions {
  /** The app's name, in errors and logs. */
  service: string;
  /** The value of each setting this app reads, from its environment: what a setting never set is. */
  defaults: Partial<SettingsValues>;
  /** The store is read again this often, whatever the change notices said (a missed one heals). */
  refreshMs: number;
  /**
   * While the store does not answer it is read again this often (default 1 s), so an instance
   * catches up soon after the store is back even if no change notice or reconnection said so.
   */
  retryMs?: number;
}

/** What readiness and metrics say about this instance's settings. */
export interface LiveSettingsState {
  /** The store's version these values are from (0: none set, or never read). */
  version: number;
  /** True while the store cannot be read: the values are the last good ones. */
  stale: boolean;
  /** When the store was last read. */
  loadedAt: Date | null;
  staleSince: Date | null;
  /** The last document refused (a bad value in the store), if the current one is. */
  refused: { version: number; errors: FieldError[] } | null;
  subscribed: boolean;
}

/**
 * The live settings as this instance applies them: read from the store at start, again on every
 * change notice (the store publishes each new version) and every `refreshMs`. Consumers call
 * {@link get} when they use a value, never copy it, so a change reaches them within the notice's
 * delivery. A document is applied whole or not at all: a refused one (a bad value written to Redis
 * by hand) leaves the last good values, as does a store that does not answer; readiness then says
 * `stale` (or `refused`) with its version, and the instance stays ready, serving those values.
 */
export class LiveSettings implements OnModuleInit, OnApplicationShutdown, ReadinessContributor {
  private readonly logger = new Logger(LiveSettings.name);
  private values: StoredValues = {};
  private current: LiveSettingsState = {
    version: 0,
    stale: true,
    loadedAt: null,
    staleSince: new Date(),
    refused: null,
    subscribed: false,
  };
  private timer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private readAgain = false;
  private saidUnreachable = false;
  private closed = false;

  constructor(
    private readonly store: SettingsStore,
    private readonly subscriber: Redis,
    private readonly options: LiveSettingsOptions,
  ) {
    for (const key of Object.keys(options.defaults)) {
      if (!(key in SETTINGS_SCHEMA)) throw new Error(`${options.service}: no live setting ${key}`);
    }
  }

  /** The value of a setting now: as set in the store, else this app's default. */
  get<K extends SettingKey>(key: K): SettingValue<K> {
    const value = this.values[key] ?? this.options.defaults[key] ?? this.schemaDefault(key);
    if (value === undefined) throw new Error(`${this.options.service} reads the live setting ${key} but gave it no default`);
    return value as SettingValue<K>;
  }

  get state(): Readonly<LiveSettingsState> {
    return this.current;
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', () => void this.refresh());
    // on every (re)connection: subscribe again, then read what may have changed meanwhile
    this.subscriber.on('ready', () => void this.subscribe());
    this.subscriber.on('close', () => {
      this.current = { ...this.current, subscribed: false };
    });
    if (this.subscriber.status === 'ready') await this.subscribe();
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.closed = true;
    this.subscriber.disconnect();
  }

  /** Reads the store and applies what it holds; reads never overlap, and one asked for meanwhile runs after. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = this.readOnce().finally(() => {
      this.reading = undefined;
      if (this.readAgain) {
        this.readAgain = false;
        void this.refresh();
      }
    });
    return this.reading;
  }

  readinessChecks(indicator: HealthIndicatorService) {
    return [
      () => {
        const { version, stale, staleSince, refused, subscribed, loadedAt } = this.current;
        return indicator.check('settings').up({
          version,
          stale,
          ...(stale ? { since: (staleSince ?? new Date()).toISOString() } : {}),
          loadedAt: loadedAt?.toISOString() ?? null,
          subscribed,
          ...(refused ? { refused } : {}),
        });
      },
    ];
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.store.keys.channel);
      this.current = { ...this.current, subscribed: true };
      await this.refresh();
    } catch {
      // not connected after all: the next 'ready' subscribes again, the periodic read goes on
    }
  }

  /**
   * The subscriber and the store's client reconnect each on their own timer: the subscriber's
   * `ready` may read through a client still down, so a failed read schedules its own retry.
   */
  private retrySoon(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.refresh();
    }, this.options.retryMs ?? 1000);
    this.retryTimer.unref();
  }

  private async readOnce(): Promise<void> {
    let stored: StoredSettings;
    try {
      stored = await this.store.read();
    } catch (error) {
      if (!this.saidUnreachable) {
        this.saidUnreachable = true;
        this.logger.warn(
          { err: error, version: this.current.version },
          'The settings store does not answer: keeping the last good settings',
        );
      }
      if (!this.current.stale) this.current = { ...this.current, stale: true, staleSince: new Date() };
      this.retrySoon();
      return;
    }
    if (this.saidUnreachable) {
      this.saidUnreachable = false;
      this.logger.log('The settings store answers again');
    }
    const read = { stale: false, staleSince: null, loadedAt: new Date() };
    if (stored.errors.length > 0) {
      if (this.current.refused?.version !== stored.version)
        this.logger.error(
          { version: stored.version, errors: stored.errors },
          'Refused the stored settings: keeping the last good ones',
        );
      this.current = { ...this.current, ...read, refused: { version: stored.version, errors: stored.errors } };
      return;
    }
    if (stored.version !== this.current.version) this.logger.log({ version: stored.version }, 'Applied the live settings');
    this.values = stored.values;
    this.current = { ...this.current, ...read, version: stored.version, refused: null };
  }

  private schemaDefault(key: SettingKey): boolean | undefined {
    const definition = SETTINGS_SCHEMA[key];
    return definition.type === 'boolean' ? definition.default : undefined;
  }
}
