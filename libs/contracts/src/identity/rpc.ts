import { z } from 'zod';
import { defineRpc } from '../rpc-definition';
import {
  LoginRequestSchema,
  LogoutRequestSchema,
  RefreshRequestSchema,
  RegisterRequestSchema,
  TokenPairSchema,
  UserSchema,
} from './schemas';

/** RPCs served by identity. Those acting for a user take it from the message's verified actor. */
export const IdentityRpc = {
  register: defineRpc({ pattern: 'identity.register', request: RegisterRequestSchema, response: UserSchema, idempotent: false }),
  login: defineRpc({ pattern: 'identity.login', request: LoginRequestSchema, response: TokenPairSchema, idempotent: false }),
  refresh: defineRpc({
    pattern: 'identity.refresh',
    request: RefreshRequestSchema,
    response: TokenPairSchema,
    idempotent: false,
  }),
  /** Acts for the actor: revokes the session of the given refresh token if it is the actor's. */
  logout: defineRpc({
    pattern: 'identity.logout',
    request: LogoutRequestSchema,
    response: z.object({ loggedOut: z.literal(true) }),
    idempotent: true,
  }),
  /** The actor's profile. */
  me: defineRpc({ pattern: 'identity.me', request: z.object({}).strict(), response: UserSchema, idempotent: true }),
  /** Whether a session (the `sid` of an access token) is still open: the user exists and the session is not revoked. */
  sessionActive: defineRpc({
    pattern: 'identity.sessions.active',
    request: z.object({ userId: z.uuid(), sessionId: z.uuid() }).strict(),
    response: z.object({ active: z.boolean() }),
    idempotent: true,
  }),
};
