import { QueryFailedError } from 'typeorm';

/** True if the statement broke a unique constraint (SQLSTATE 23505), optionally a given one. */
export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && (constraint === undefined || driverError.constraint === constraint);
};
