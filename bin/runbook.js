#!/usr/bin/env node
// Thin entry: everything lives in the built CLI (npm ci builds it through `prepare`).
import { main } from '../dist/cli.js';

process.exitCode = await main();
