#!/usr/bin/env node
// Development entry: runs bin/senate-questions.ts from the TypeScript sources through tsx, so
// tests and `npm run dev` never run stale compiled code. What ships is the compiled
// dist/bin/senate-questions.js (`npm run build`), with no tsx.
import { register } from 'tsx/esm/api';

register();
await import('./senate-questions.ts');
