// Runs the TypeScript entry points (apps/*/src/main.ts, bench/soak.ts) in a real Node process
// without building: `node -r ./test/faults/harness/ts-register.cjs apps/api/src/main.ts`.
// Compiles each .ts file with @swc/core and the tests' options (test/support/swc-options.cjs) and
// maps `@custodia/<lib>` to libs/<lib>/src/index.ts, as tsconfig.json's paths do. Nothing is
// written to disk, so the shared dist/ stays untouched and a fresh clone needs no build step.
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { join, resolve } = require('node:path');
const { transformSync } = require('@swc/core');

const root = resolve(__dirname, '..', '..', '..');
const ALIAS = /^@custodia\/([a-z-]+)$/;

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = ALIAS.exec(request);
  const target = alias ? join(root, 'libs', alias[1], 'src', 'index.ts') : request;
  return resolveFilename.call(this, target, parent, ...rest);
};

const swcOptions = require('../../support/swc-options.cjs');

const options = (filename) => ({ filename, ...swcOptions });

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), options(filename));
  module._compile(code, filename);
};
if (!process.execArgv.includes('--enable-source-maps')) process.setSourceMapsEnabled(true);
