import { z } from 'zod';
import { ROLES } from '../rpc-envelope';

const NUL = '\u0000';
const characters = (text: string): number => Array.from(text).length;

/** A string without NUL characters (they truncate text in C libraries and logs). */
const text = () => z.string().refine((s) => !s.includes(NUL), { error: 'must not contain NUL characters' });

/** Between `min` and `max` characters (Unicode code points, not UTF-16 units). */
const textOfLength = (min: number, max: number) =>
  text().refine((s) => characters(s) >= min && characters(s) <= max, {
    error: `expected ${min}-${max} characters`,
  });

export const RoleSchema = z.enum(ROLES);

export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const REFRESH_TOKEN_MAX_LENGTH = 512;

const email = text()
  .trim()
  .max(EMAIL_MAX_LENGTH)
  .pipe(z.email({ error: 'expected an email address' }));

/** Body of `POST /v1/auth/register`; unknown fields are rejected. */
export const RegisterRequestSchema = z
  .object({
    email,
    password: textOfLength(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH),
    name: text().trim().pipe(textOfLength(1, 100)),
  })
  .strict();
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

/** Body of `POST /v1/auth/login`: no format rules beyond bounds, so a bad guess is just a 401. */
export const LoginRequestSchema = z
  .object({
    email: text().trim().min(1).max(EMAIL_MAX_LENGTH),
    password: textOfLength(1, PASSWORD_MAX_LENGTH),
  })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

const refreshToken = text().min(1).max(REFRESH_TOKEN_MAX_LENGTH);

/** Body of `POST /v1/auth/refresh`. */
export const RefreshRequestSchema = z.object({ refreshToken }).strict();
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;

/** Body of `POST /v1/auth/logout`. */
export const LogoutRequestSchema = z.object({ refreshToken }).strict();
export type LogoutRequest = z.infer<typeof LogoutRequestSchema>;

/** Answer of login and refresh; `expiresIn` is the access token's lifetime in seconds. */
export const TokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().positive(),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

/** A user as the API shows it: never the password hash. */
export const UserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  createdAt: z.iso.datetime(),
});
export type User = z.infer<typeof UserSchema>;
