import type { NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem-details';

/** Deeper than any body of the API (a customer with its consents is 3 levels). */
export const MAX_JSON_DEPTH = 16;

/** The nesting depth of a parsed JSON value, without recursion, stopping past `limit`. */
export const jsonDepth = (value: unknown, limit: number): number => {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
};

/**
 * Refuses JSON bodies nested deeper than MAX_JSON_DEPTH before validation: class-transformer
 * walks a body recursively, and a 100 kB body of brackets overflowed its stack (a 500).
 */
export const jsonDepthMiddleware = (req: Request, _res: Response, next: NextFunction): void => {
  if (jsonDepth(req.body, MAX_JSON_DEPTH) <= MAX_JSON_DEPTH) return next();
  next(
    new ProblemException({
      status: 400,
      slug: 'body-too-deep',
      title: 'Bad Request',
      detail: `body: nested deeper than ${MAX_JSON_DEPTH} levels`,
      code: 'REQUEST.BODY_TOO_DEEP',
      errors: [{ field: 'body', rule: 'maxDepth' }],
    }),
  );
};
