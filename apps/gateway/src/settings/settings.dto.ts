import { z } from 'zod';

const VERSION_EXPECTED = 'expected the version read (an integer, 0 or more)';
const REASON_EXPECTED = 'expected why (1-500 characters), kept in the audit';

/** A change of the live settings: the version it was made from, the values (null: back to the default), and why. */
export const SettingsChangeBodySchema = z
  .object({
    version: z.number({ error: VERSION_EXPECTED }).int({ error: VERSION_EXPECTED }).min(0, { error: VERSION_EXPECTED }),
    // values are checked against the settings' schema after the shape: one 422 with an error per bad setting
    changes: z
      .record(z.string(), z.unknown(), { error: 'expected an object of settings and their new values' })
      .meta({ description: 'setting → new value (integer or boolean, as its schema says), or null to go back to the default' }),
    reason: z.string({ error: REASON_EXPECTED }).trim().min(1, { error: REASON_EXPECTED }).max(500, { error: REASON_EXPECTED }),
  })
  .strict();
export type SettingsChangeBody = z.infer<typeof SettingsChangeBodySchema>;

const SettingValueSchema = z.union([z.number().int(), z.boolean()]);
/** A value before or after a change; null: not set (the default). One union, so OpenAPI gives every branch its type. */
const SettingValueOrUnsetSchema = z.union([z.number().int(), z.boolean(), z.null()]);

export const SettingsViewSchema = z.object({
  version: z.number().int(),
  changedAt: z.iso.datetime().nullable(),
  values: z
    .record(z.string(), SettingValueSchema)
    .meta({ description: 'the settings set in the store; any other is its default' }),
  problems: z.array(z.object({ field: z.string(), message: z.string() })).meta({
    description: 'what is wrong with the stored document (written to Redis by hand): instances refuse it until the next change',
  }),
  schema: z.array(
    z.object({
      key: z.string(),
      type: z.enum(['integer', 'boolean']),
      description: z.string(),
      min: z.number().int().optional(),
      max: z.number().int().optional(),
      unit: z.string().optional(),
      env: z.string().optional().meta({ description: 'the variable whose value each app takes while the setting is not set' }),
      default: z.boolean().optional(),
    }),
  ),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

const AuditEntrySchema = z.object({
  version: z.number().int(),
  at: z.iso.datetime(),
  operator: z.object({ userId: z.uuid(), email: z.string().optional() }),
  reason: z.string(),
  changes: z.array(z.object({ key: z.string(), before: SettingValueOrUnsetSchema, after: SettingValueOrUnsetSchema })),
});

export const SettingsChangedSchema = z.object({ version: z.number().int(), entry: AuditEntrySchema });
export type SettingsChanged = z.infer<typeof SettingsChangedSchema>;

export const SettingsAuditSchema = z.object({ entries: z.array(AuditEntrySchema) });
export type SettingsAudit = z.infer<typeof SettingsAuditSchema>;

const LIMIT_EXPECTED = 'expected an integer from 1 to 100';
export const SettingsAuditQuerySchema = z
  .object({
    limit: z.coerce
      .number({ error: LIMIT_EXPECTED })
      .int({ error: LIMIT_EXPECTED })
      .min(1, { error: LIMIT_EXPECTED })
      .max(100, { error: LIMIT_EXPECTED })
      .default(20),
  })
  .strict();
export type SettingsAuditQuery = z.infer<typeof SettingsAuditQuerySchema>;
