#!/usr/bin/env -S npx tsx
/**
 * `stytch-rotation`: the operator CLI (status, rotate, cancel, complete, credentials set). Run
 * `stytch-rotation --help`; the commands live in bin/cli/.
 */
import { main } from './cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
