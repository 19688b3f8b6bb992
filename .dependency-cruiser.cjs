/**
 * Boundaries checked by a tool (CONVENTIONS.md): libraries meet only through their index.ts,
 * domain files import no framework, and nothing imports test code from product code.
 */
module.exports = {
  forbidden: [
    {
      name: 'lib-through-index-only',
      comment:
        'Another library is imported through @custodia/<lib> (its index.ts), never its internals.',
      severity: 'error',
      from: { path: '^(?:libs|apps)/([^/]+)/' },
      to: {
        path: '^libs/([^/]+)/src/(?!index\\.ts$)',
        pathNot: '^libs/$1/',
      },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'domain-is-pure',
      comment:
        'Deciders, events, commands and errors hold rules only: no framework, database or crypto.',
      severity: 'error',
      from: { path: '\\.(decider|events|commands|errors)\\.ts$' },
      to: { path: '(node_modules/(@nestjs|typeorm|pg|@kurrent|jose|pino)|^node:crypto$|^crypto$)' },
    },
    {
      name: 'no-test-code-in-product',
      severity: 'error',
      from: {
        path: '^(apps|libs)/',
        pathNot: '(\\.(spec|int-spec|e2e-spec)\\.ts$|^libs/testing/|\\.contract\\.ts$)',
      },
      to: { path: '(^libs/testing/|\\.(spec|int-spec|e2e-spec)\\.ts$)' },
    },
    {
      name: 'no-bench-code-in-product',
      comment: 'bench/ holds measuring aids such as the identity cipher: never product code',
      severity: 'error',
      from: { path: '^(apps|libs)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '(^dist/|^node_modules/)' },
  },
};
