import { createHmac } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, Observable, of, switchMap } from 'rxjs';
import type { DataSource } from 'typeorm';
import { CONFIG, type Config } from '@custodia/platform';
import { DATA_SOURCE } from '@custodia/runtime';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { ProblemException } from './problem-details';

const KEY = /^[\x21-\x7e]{1,200}$/;

type Stored = { request_hash: string; status: number | null; response: unknown };

const problem = (status: number, slug: string, detail: string): ProblemException =>
  new ProblemException({
    status,
    slug,
    title: status === 409 ? 'Conflict' : status === 400 ? 'Bad Request' : 'Unprocessable Entity',
    detail,
    code: `IDEMPOTENCY.${slug.toUpperCase().replace(/-/g, '_')}`,
    errors: [{ field: 'Idempotency-Key', rule: slug }],
  });

/**
 * Stable JSON: object keys sorted, so the same body always hashes the same. No body (a request
 * without a JSON content type has none) is `null`: JSON.stringify(undefined) is no string.
 */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : (JSON.stringify(value) ?? 'null');

/**
 * `Idempotency-Key` on a POST: the first answer is stored (per actor, route and key) and
 * returned again on a retry; the same key with another body is a 422, and a retry while the
 * first request still runs a 409. Failed requests are forgotten, so they may be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly hmacKey: Buffer;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CONFIG) config: Config,
    private readonly reflector: Reflector,
  ) {
    // Keyed by the master key, so a stored hash cannot be matched against guessed bodies.
    const master = config.masterKey?.key ?? Buffer.alloc(0);
    this.hmacKey = createHmac('sha256', master).update('custodia:idempotency').digest();
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & AuthenticatedRequest>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || key === undefined || req.actor === undefined) {
      return next.handle();
    }
    if (!KEY.test(key)) {
      throw problem(400, 'invalid-key', 'Idempotency-Key: must be 1-200 visible ASCII characters');
    }
    const id = [req.actor.userId, `POST ${req.path}`, key];
    const hash = createHmac('sha256', this.hmacKey).update(canonical(req.body)).digest('hex');
    return from(this.claim(id, hash)).pipe(
      switchMap((stored) => {
        if (stored === undefined) {
          const status =
            this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
          return this.run(id, next, status);
        }
        if (stored.request_hash !== hash) {
          throw problem(422, 'key-reused', 'Idempotency-Key: already used with another body');
        }
        if (stored.status === null) {
          throw problem(409, 'in-progress', 'Idempotency-Key: the first request is still running');
        }
        http.getResponse<Response>().status(stored.status);
        return of(stored.response);
      }),
    );
  }

  /** Inserts a placeholder for a new key (undefined), or returns what the key already holds. */
  private async claim(id: string[], hash: string): Promise<Stored | undefined> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO api_idempotency_keys (actor_id, route, key, request_hash)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key`,
      [...id, hash],
    );
    if (inserted.length > 0) return undefined;
    const rows: Stored[] = await this.dataSource.query(
      `SELECT request_hash, status, response FROM api_idempotency_keys
       WHERE actor_id = $1 AND route = $2 AND key = $3`,
      id,
    );
    return rows[0];
  }

  private run(id: string[], next: CallHandler, status: number): Observable<unknown> {
    return new Observable((subscriber) => {
      let result: unknown;
      const subscription = next.handle().subscribe({
        next: (value) => {
          result = value;
        },
        error: (error: unknown) => {
          this.dataSource
            .query(
              `DELETE FROM api_idempotency_keys
               WHERE actor_id = $1 AND route = $2 AND key = $3 AND status IS NULL`,
              id,
            )
            .then(
              () => subscriber.error(error),
              () => subscriber.error(error),
            );
        },
        complete: () => {
          this.dataSource
            .query(
              `UPDATE api_idempotency_keys SET status = $4, response = $5
               WHERE actor_id = $1 AND route = $2 AND key = $3`,
              [...id, status, JSON.stringify(result ?? null)],
            )
            .then(
              () => {
                subscriber.next(result);
                subscriber.complete();
              },
              (error: unknown) => subscriber.error(error),
            );
        },
      });
      return () => subscription.unsubscribe();
    });
  }
}
