import type { NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem-details';

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * Every body the API takes is JSON. A body the JSON parser left alone (text/plain, a form, XML)
 * is a 415 naming Content-Type, rather than a 400 listing as missing the fields it may hold.
 */
export const jsonOnlyMiddleware = (req: Request, _res: Response, next: NextFunction): void => {
  if (req.body !== undefined || !hasBody(req)) return next();
  next(
    new ProblemException({
      status: 415,
      slug: 'unsupported-media-type',
      title: 'Unsupported Media Type',
      detail: 'Content-Type: request bodies must be application/json',
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      errors: [{ field: 'Content-Type', rule: 'application/json' }],
    }),
  );
};
