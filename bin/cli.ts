#!/usr/bin/env -S npx tsx
/**
 * `stytch-rotation`: the operator CLI (status, rotate, cancel, complete, credentials set). Run
 * `stytch-rotation --help`; the commands live in bin/cli/.
 */
import { silenceSdkNodeVersionNotice } from '../local/command-line.ts';
import { main } from './cli/main.ts';

silenceSdkNodeVersionNotice();
process.exitCode = await main(process.argv.slice(2));
