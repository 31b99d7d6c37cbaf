import { z } from 'zod';
import { defineMessage } from '../message-definition';

export const UserRegistered = defineMessage({
  topic: 'identity.events',
  type: 'UserRegistered',
  version: 1,
  key: 'user id',
  summary: 'A customer registered.',
  payload: z.object({ userId: z.uuid(), email: z.email(), name: z.string() }),
});
