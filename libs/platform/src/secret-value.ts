import { inspect } from 'node:util';

/** What a hidden secret serialises to, in JSON (pino, response bodies) and in util.inspect. */
export const HIDDEN_SECRET = '[secret]';

/**
 * Makes `value` (a Buffer or an object holding secrets) print as `[secret]` in JSON.stringify
 * and util.inspect, so a careless `log.info({ config })` or `${inspect(config)}` shows no key.
 * Reading the value itself (`key.toString('base64')`, `auth.jwtSecret`) is unchanged.
 */
export const hideSecret = <const T extends object>(value: T): T =>
  Object.defineProperties(value, {
    toJSON: { value: () => HIDDEN_SECRET, enumerable: false },
    [inspect.custom]: { value: () => HIDDEN_SECRET, enumerable: false },
  });
