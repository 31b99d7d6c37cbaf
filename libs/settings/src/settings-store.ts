import type { OnApplicationShutdown } from '@nestjs/common';
import { AppError } from '@shopmesh/errors';
import type { FieldError } from '@shopmesh/contracts';
import type { Redis } from 'ioredis';
import type { SettingKey } from './settings-schema';
import { applyChanges, checkChanges, readStoredValues, type ReadValues, type StoredValues } from './settings-validation';

/** The stored document: its version (0: nothing ever set), values and what was wrong with it. */
export interface StoredSettings extends ReadValues {
  version: number;
  changedAt: string | null;
}

/** Who changed the settings: the admin named by the access token. */
export interface SettingsOperator {
  userId: string;
  email?: string;
}

/** One change of the settings, as the audit keeps it. */
export interface SettingsAuditEntry {
  version: number;
  at: string;
  operator: SettingsOperator;
  reason: string;
  /** Each setting changed: its stored value before and after (`null`: not set, the default). */
  changes: { key: SettingKey; before: number | boolean | null; after: number | boolean | null }[];
}

export interface SettingsChangeRequest {
  /** The version the operator read: the change applies only if it is still the current one. */
  expectedVersion: number;
  changes: Record<string, unknown>;
  operator: SettingsOperator;
  reason: string;
}

export type SettingsChangeResult =
  | { outcome: 'changed'; entry: SettingsAuditEntry }
  | { outcome: 'invalid'; errors: FieldError[] }
  | { outcome: 'conflict'; version: number };

/** How many audit entries the stream keeps (approximately: `MAXLEN ~`). */
const AUDIT_MAX_ENTRIES = 10_000;

/**
 * Compare-and-set of the whole document, its audit entry and its change notice in one script:
 * Redis runs a script alone, so either all of it happens or (version moved on) none of it.
 * KEYS: document hash, audit stream. ARGV: expected version, values JSON, changedAt, entry JSON
 * (without its version), channel, audit length.
 */
const CHANGE_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return {0, current} end
local version = current + 1
redis.call('HSET', KEYS[1], 'version', version, 'values', ARGV[2], 'changedAt', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'version', version, 'entry', ARGV[4])
redis.call('PUBLISH', ARGV[5], version)
return {1, version}
`;

type ScriptedRedis = Redis & {
  settingsChange(...args: [string, string, number, string, string, string, string, number]): Promise<[0 | 1, number]>;
};

/** The Redis keys of one namespace's settings. */
export const settingsKeys = (namespace: string) => ({
  document: `${namespace}:settings`,
  audit: `${namespace}:settings:audit`,
  channel: `${namespace}:settings:changed`,
});

/**
 * The live settings in Redis: one hash (`version`, `values` as JSON, `changedAt`), an audit stream
 * and a channel that announces each new version. Writes are validated before anything is written
 * and applied by one script (see {@link CHANGE_SCRIPT}); a Redis that does not answer is
 * `SETTINGS.UNAVAILABLE`.
 */
export class SettingsStore implements OnApplicationShutdown {
  private readonly redis: ScriptedRedis;
  readonly keys: ReturnType<typeof settingsKeys>;

  constructor(redis: Redis, namespace: string) {
    redis.defineCommand('settingsChange', { numberOfKeys: 2, lua: CHANGE_SCRIPT });
    this.redis = redis as ScriptedRedis;
    this.keys = settingsKeys(namespace);
  }

  async read(): Promise<StoredSettings> {
    const [version, values, changedAt] = await this.unavailableOnFailure(() =>
      this.redis.hmget(this.keys.document, 'version', 'values', 'changedAt'),
    );
    return {
      version: Number(version ?? 0),
      changedAt,
      ...(values === null ? { values: {}, errors: [] } : readStoredValues(values)),
    };
  }

  /** Validates the change, then applies it if the document is still at the expected version. */
  async change(request: SettingsChangeRequest): Promise<SettingsChangeResult> {
    const checked = checkChanges(request.changes);
    if (!checked.ok) return { outcome: 'invalid', errors: checked.errors };
    const current = await this.read();
    if (current.version !== request.expectedVersion) return { outcome: 'conflict', version: current.version };
    const after = applyChanges(current.values, checked.value);
    const at = new Date().toISOString();
    const entry: Omit<SettingsAuditEntry, 'version'> = {
      at,
      operator: request.operator,
      reason: request.reason,
      changes: (Object.keys(checked.value) as SettingKey[]).map((key) => ({
        key,
        before: current.values[key] ?? null,
        after: after[key] ?? null,
      })),
    };
    const [applied, version] = await this.unavailableOnFailure(() =>
      this.redis.settingsChange(
        this.keys.document,
        this.keys.audit,
        request.expectedVersion,
        JSON.stringify(after satisfies StoredValues),
        at,
        JSON.stringify(entry),
        this.keys.channel,
        AUDIT_MAX_ENTRIES,
      ),
    );
    return applied === 1 ? { outcome: 'changed', entry: { version, ...entry } } : { outcome: 'conflict', version };
  }

  /** The latest changes, newest first. */
  async audit(limit: number): Promise<SettingsAuditEntry[]> {
    const rows = await this.unavailableOnFailure(() => this.redis.xrevrange(this.keys.audit, '+', '-', 'COUNT', limit));
    return rows.flatMap(([, fields]) => {
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      const json = field('entry');
      if (json === undefined) return [];
      return [{ version: Number(field('version')), ...(JSON.parse(json) as Omit<SettingsAuditEntry, 'version'>) }];
    });
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  private async unavailableOnFailure<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch {
      throw new AppError('SETTINGS.UNAVAILABLE', 'The settings store does not answer; retry shortly');
    }
  }
}
