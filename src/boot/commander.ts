/**
 * commander, as the built CLI loads it: `npm run build` aliases `commander` to this module, so
 * the command table (cli.ts) runs on `dist/commander.cjs` compiled with its code cache. That
 * cache holds commander's functions as building the table, parsing and printing help compile
 * them, which is most of what `runbook runs` or `--help` spend before doing their work.
 * Without the bundle (a build without it), the package itself.
 */

import type * as Commander from 'commander';
import { createRequire } from 'node:module';
import { requireCached } from './cached-script.js';

const commander = (requireCached(new URL('./commander.cjs', import.meta.url)) ?? createRequire(import.meta.url)('commander')) as typeof Commander;

export const { program, createCommand, createArgument, createOption, CommanderError, InvalidArgumentError, InvalidOptionArgumentError, Command, Argument, Option, Help } = commander;
