import { Body, Controller, Get, Patch, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { SETTINGS_SCHEMA, SETTING_KEYS, SettingsStore } from '@shopmesh/settings';
import type { Response } from 'express';
import { Authenticated } from '../auth/auth.decorators';
import { CurrentActor } from '../auth/authenticated-user';
import { RateLimit } from '../edge/rate-limit/rate-limit.decorator';
import { ApiProblemResponses, BODY_PROBLEMS } from '../openapi/api-problem-responses.decorator';
import { OperatorDirectory } from '../ops/operator-directory';
import {
  SettingsAuditQuerySchema,
  SettingsAuditSchema,
  SettingsChangeBodySchema,
  SettingsChangedSchema,
  SettingsViewSchema,
  type SettingsAudit,
  type SettingsAuditQuery,
  type SettingsChangeBody,
  type SettingsChanged,
  type SettingsView,
} from './settings.dto';

const SCHEMA: SettingsView['schema'] = SETTING_KEYS.map((key) => ({ key, ...SETTINGS_SCHEMA[key] }));

/**
 * The live settings (admin only): what is set, the schema of every setting, changes made from the
 * version read (validated whole, audited with the admin and the reason, at every instance within a
 * second), and their audit.
 */
@ApiTags('admin: settings')
@Controller('v1/admin/settings')
@Authenticated('admin')
export class SettingsController {
  constructor(
    private readonly store: SettingsStore,
    private readonly operators: OperatorDirectory,
  ) {}

  @Get()
  @RateLimit('read')
  @ApiOperation({ summary: 'The settings set, their version (send it back with a change) and the schema of every setting' })
  @ApiOkResponse({ standardSchema: SettingsViewSchema })
  @ApiProblemResponses('SETTINGS.UNAVAILABLE', 'RATE_LIMIT.EXCEEDED')
  async read(@Res({ passthrough: true }) res: Response): Promise<SettingsView> {
    const stored = await this.store.read();
    res.setHeader('ETag', `"${stored.version}"`);
    return {
      version: stored.version,
      changedAt: stored.changedAt,
      values: stored.values,
      problems: stored.errors,
      schema: SCHEMA,
    };
  }

  @Patch()
  @RateLimit('write')
  @ApiOperation({
    summary:
      'Change some settings (null: back to the default) from the version read, with a reason; all or nothing, audited, live everywhere within a second',
  })
  @ApiOkResponse({ standardSchema: SettingsChangedSchema })
  @ApiProblemResponses(
    ...BODY_PROBLEMS,
    'SETTINGS.INVALID',
    'SETTINGS.VERSION_CONFLICT',
    'SETTINGS.UNAVAILABLE',
    'RATE_LIMIT.EXCEEDED',
  )
  async change(
    @CurrentActor() actor: Actor,
    @Body({ schema: SettingsChangeBodySchema }) body: SettingsChangeBody,
  ): Promise<SettingsChanged> {
    const operator = await this.operators.operatorOf(actor).catch(() => ({ email: undefined }));
    const result = await this.store.change({
      expectedVersion: body.version,
      changes: body.changes,
      operator: { userId: actor.userId, ...(operator.email ? { email: operator.email } : {}) },
      reason: body.reason,
    });
    switch (result.outcome) {
      case 'changed':
        return { version: result.entry.version, entry: result.entry };
      case 'invalid':
        throw new AppError(
          'SETTINGS.INVALID',
          'Some settings are unknown or their values are not allowed: nothing changed',
          result.errors,
        );
      case 'conflict':
        throw new AppError(
          'SETTINGS.VERSION_CONFLICT',
          `The settings changed meanwhile (now version ${result.version}): read them again and redo the change`,
        );
    }
  }

  @Get('audit')
  @RateLimit('read')
  @ApiOperation({ summary: 'The latest changes of the settings (who, when, why, each value before and after), newest first' })
  @ApiOkResponse({ standardSchema: SettingsAuditSchema })
  @ApiProblemResponses('VALIDATION.FAILED', 'SETTINGS.UNAVAILABLE', 'RATE_LIMIT.EXCEEDED')
  async audit(@Query({ schema: SettingsAuditQuerySchema }) query: SettingsAuditQuery): Promise<SettingsAudit> {
    return { entries: await this.store.audit(query.limit) };
  }
}
