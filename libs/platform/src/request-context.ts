import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting and why, carried through one request without passing it by hand. */
export type RequestContext = {
  readonly requestId: string;
  readonly correlationId: string;
  readonly actorId?: string;
  readonly purpose?: string;
};

const storage = new AsyncLocalStorage<RequestContext>();

export const runInContext = <T>(context: RequestContext, fn: () => T): T =>
  storage.run(context, fn);

export const currentContext = (): RequestContext | undefined => storage.getStore();
