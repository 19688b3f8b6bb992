import { v7 } from 'uuid';

/** Time-ordered UUIDv7: ids sort roughly by creation, which keeps B-tree inserts local. */
export const newId = (): string => v7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
