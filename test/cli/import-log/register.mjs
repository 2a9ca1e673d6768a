// `node --import ./register.mjs …`: appends the URL of every module the process resolves through
// ESM (one per line) to the file named by SQ_IMPORT_LOG. A package's entry is always resolved
// here, even a CommonJS one, so this tells which packages a command loaded.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
