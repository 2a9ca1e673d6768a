#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step, so `npx senate-questions`
// works right after `npm ci` and never runs stale compiled code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
