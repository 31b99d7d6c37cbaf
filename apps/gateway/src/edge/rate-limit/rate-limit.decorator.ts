import { applyDecorators, UseGuards } from '@nestjs/common';
import type { RateLimitPolicyName } from './rate-limit-policy';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitPolicyOf } from './rate-limit.tokens';

/**
 * Limits a route (or every route of a controller) by a named policy; a method's policy
 * overrides its controller's. Needs `EdgeModule.register(...)` in the app.
 *
 * Per-user policies read `request.user.id`, so the auth guard must run first: make it global, put
 * it on the controller, or list it below this decorator (decorators apply bottom-up, so the lower
 * one's guard runs first):
 *
 * ```ts
 * @RateLimit('write')
 * @UseGuards(AccessTokenGuard)
 * @Post()
 * ```
 */
export const RateLimit = (policy: RateLimitPolicyName): MethodDecorator & ClassDecorator =>
  applyDecorators(RateLimitPolicyOf(policy), UseGuards(RateLimitGuard));
