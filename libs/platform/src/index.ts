export * from './clock';
export * from './config';
export * from './embedded-postgres';
export * from './ids';
export * from './logger';
export * from './request-context';
