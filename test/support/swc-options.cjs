// How the TypeScript sources are compiled outside tsc: by @swc/jest for the tests, and by
// test/faults/harness/ts-register.cjs for the real processes the fault suite and the soak start.
// One definition, so both run the same code (decorator metadata is what Nest's injection needs).
'use strict';
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
