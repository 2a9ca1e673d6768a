#!/usr/bin/env node
// The `senate-questions` command. Compiled to dist/bin/senate-questions.js (package.json "bin",
// the Docker image); bin/senate-questions.js runs this same file through tsx for development.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv);
