#!/usr/bin/env node
// Thin entry: everything lives in the built CLI (npm ci builds it through `prepare`).
// CommonJS (see bin/package.json), as dist/cli.cjs is: `runbook runs` starts no ES module
// loader; commands that need one import theirs (see docs/development.md, "Start-up").
const { main } = require('../dist/cli.cjs');

main().then((code) => {
  process.exitCode = code;
});
