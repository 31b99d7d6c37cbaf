import type { FieldError } from '@shopmesh/contracts';
import { SETTINGS_SCHEMA, isSettingKey, type SettingKey, type SettingsValues } from './settings-schema';

/** Values an operator set; a setting absent here takes the instance's default. */
export type StoredValues = Partial<SettingsValues>;

/** A change asked for: a value per setting, or `null` to go back to the default. */
export type SettingsChanges = Partial<Record<SettingKey, number | boolean | null>>;

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function checkValue(key: SettingKey, value: unknown): string | undefined {
  const definition = SETTINGS_SCHEMA[key];
  if (definition.type === 'boolean') return typeof value === 'boolean' ? undefined : 'expected true or false';
  const expected = `expected an integer between ${definition.min} and ${definition.max} (${definition.unit})`;
  if (typeof value !== 'number' || !Number.isInteger(value)) return expected;
  return value < definition.min || value > definition.max ? expected : undefined;
}

/**
 * Checks a change as a whole: every key must be a known setting and every value of its type and
 * within its bounds (or `null`). One bad entry refuses the change, with an error per bad entry.
 */
export function checkChanges(changes: Record<string, unknown>, field = 'changes'): Checked<SettingsChanges> {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (!isSettingKey(key)) errors.push({ field: `${field}.${key}`, message: 'unknown setting' });
    else if (value !== null) {
      const problem = checkValue(key, value);
      if (problem) errors.push({ field: `${field}.${key}`, message: problem });
    }
  }
  if (Object.keys(changes).length === 0) errors.push({ field, message: 'expected at least one setting to change' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: changes };
}

/** The stored values after a change: `null` removes a value (back to the default). */
export function applyChanges(current: StoredValues, changes: SettingsChanges): StoredValues {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** The stored document (JSON) as read: its valid values, and what was wrong with the rest. */
export interface ReadValues {
  values: StoredValues;
  errors: FieldError[];
}

/**
 * Reads the stored document (JSON). Keys this version does not know are skipped (a newer version
 * may have added them during a rolling upgrade); a known key with a bad value, or a document that
 * is not an object, is an error. An instance refuses a document with errors as a whole (never
 * half-applied); a change builds on its valid values, which drops the bad ones.
 */
export function readStoredValues(json: string): ReadValues {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    return { values: {}, errors: [{ field: 'values', message: 'not JSON' }] };
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    return { values: {}, errors: [{ field: 'values', message: 'expected an object' }] };
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(document)) {
    if (!isSettingKey(key)) continue;
    const problem = checkValue(key, value);
    if (problem) errors.push({ field: `values.${key}`, message: problem });
    else values[key] = value;
  }
  return { values: values, errors };
}
