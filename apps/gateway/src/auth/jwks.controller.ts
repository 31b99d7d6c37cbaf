import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PublicJwk } from '@shopmesh/auth';
import { Public } from './auth.decorators';

export const JWKS = Symbol('JWKS');

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(JWKS) private readonly jwks: { keys: PublicJwk[] }) {}

  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public keys access tokens are verified with (JWKS, RFC 7517)' })
  @ApiOkResponse({ description: 'A JSON Web Key Set of Ed25519 keys' })
  get(): { keys: PublicJwk[] } {
    return this.jwks;
  }
}
