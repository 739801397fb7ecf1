#!/usr/bin/env node
// The `mediamesh` CLI (npx mediamesh ...). Runs the compiled CLI from dist/; builds it first when missing.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist', 'mesh', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('mediamesh: building (first run)...\n');
  require('node:child_process').execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
require(entry).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
