export {
  SETTINGS_SCHEMA,
  SETTING_KEYS,
  isSettingKey,
  type SettingDefinition,
  type SettingKey,
  type SettingValue,
  type SettingsValues,
} from './settings-schema';
export { checkChanges, applyChanges, readStoredValues, type SettingsChanges, type StoredValues } from './settings-validation';
export {
  SettingsStore,
  settingsKeys,
  type SettingsAuditEntry,
  type SettingsChangeRequest,
  type SettingsChangeResult,
  type SettingsOperator,
  type StoredSettings,
} from './settings-store';
export { LiveSettings, type LiveSettingsOptions, type LiveSettingsState } from './live-settings';
export { SettingsModule, type SettingsModuleOptions } from './settings.module';
