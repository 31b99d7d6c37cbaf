import { AppError } from '@shopmesh/errors';
import type { NextFunction, Request, Response } from 'express';

const hasBody = (req: Request): boolean => {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
};

const isJson = (contentType: string | undefined): boolean =>
  contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';

/**
 * Refuses a request body that is not `application/json` with 415 `HTTP.UNSUPPORTED_MEDIA_TYPE`,
 * before any body parser reads it (Nest also registers a urlencoded parser; this keeps it idle).
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req) || isJson(req.headers['content-type'])) return next();
  next(new AppError('HTTP.UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json'));
}
