/** The time now; injected so tests can move it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export const IDENTITY_CLOCK = Symbol('IDENTITY_CLOCK');
export const PASSWORD_HASHING_OPTIONS = Symbol('PASSWORD_HASHING_OPTIONS');
export const LOCKOUT_POLICY_OPTIONS = Symbol('LOCKOUT_POLICY_OPTIONS');
export const REFRESH_TOKEN_TTL_SECONDS = Symbol('REFRESH_TOKEN_TTL_SECONDS');
