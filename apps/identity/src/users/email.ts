/**
 * The one spelling of an email address that is stored and looked up: Unicode NFC, trimmed,
 * lower case. `Ada@Example.com ` and `ada@example.com` are one account.
 */
export const normalizeEmail = (email: string): string => email.normalize('NFC').trim().toLowerCase();
