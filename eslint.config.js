// @ts-check
/**
 * `npm run lint`: the recommended basics, and the folder directions that make the folders the
 * architecture (STYLE.md):
 *   - the parser (src/senate, src/text) is pure: nothing from src/crawl, src/store, jobs,
 *     workers, and no network, database or queue package;
 *   - jobs/ are written against plain interfaces: no BullMQ (workers/ wire them to queues);
 *   - SQL only in src/store: no SQL text and no `.query(`/`.exec(` with literal text elsewhere
 *     in what ships.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const PRODUCTION = ['src/**/*.ts', 'jobs/**/*.ts', 'workers/**/*.ts', 'config/**/*.ts', 'bin/**/*.ts'];
const PARSER = ['src/senate/**/*.ts', 'src/text/**/*.ts'];

const IO_PACKAGES = ['bullmq', 'ioredis', 'pg', '@electric-sql/pglite', 'undici', 'playwright-core', 'p-retry'];

/** @param {string} crawlPattern */
const parserImports = (crawlPattern) => ({
  paths: IO_PACKAGES.map((name) => ({ name, message: 'The parser is pure (src/senate, src/text): no network, database or queue.' })),
  patterns: [
    { regex: crawlPattern, message: 'The parser does not know HTTP: src/crawl depends on the parser, not the other way round.' },
    { regex: '(^|/)store/', message: 'The parser does not know the database: src/store depends on the parser.' },
    { regex: '(^|/)(jobs|workers)/', message: 'The parser does not know jobs or workers.' },
  ],
});

// Plain SQL statement text: uppercase keywords as the codebase writes them (English prose is not matched).
const SQL_TEXT = String.raw`/^\s*(SELECT|INSERT INTO|UPDATE\s+\w+\s+SET|DELETE FROM|CREATE (TABLE|INDEX|UNIQUE INDEX|SCHEMA)|DROP (TABLE|SCHEMA|INDEX)|ALTER TABLE|WITH\s+\w+\s+AS)\b/`;
const SQL_ONLY_IN_STORE = 'SQL belongs in src/store: add a function there and call it.';
const sqlRule = [
  'error',
  { selector: `Literal[value=${SQL_TEXT}]`, message: SQL_ONLY_IN_STORE },
  { selector: `TemplateLiteral > TemplateElement:first-child[value.raw=${SQL_TEXT}]`, message: SQL_ONLY_IN_STORE },
  { selector: "CallExpression[callee.property.name=/^(query|exec)$/][arguments.0.type=/^(Literal|TemplateLiteral)$/]", message: SQL_ONLY_IN_STORE },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring a field away, a required parameter).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `cond ? a() : b()` and `x && f()` as statements are an idiom here, not a mistake.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      // STYLE.md wraps what was caught as `{ cause: coerceError(e) }` (never a non-Error cause),
      // which this rule reads as losing the cause.
      'preserve-caught-error': 'off',
    },
  },
  {
    files: PARSER,
    rules: { 'no-restricted-imports': ['error', parserImports('(^|/)crawl/')] },
  },
  {
    files: ['jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'bullmq', message: 'jobs/ hold one handler per job kind, written against plain interfaces: BullMQ is wired in workers/.' }],
          patterns: [{ regex: '(^|/)workers/', message: 'jobs/ do not know how they are run: workers/ import jobs/, not the other way round.' }],
        },
      ],
    },
  },
  {
    files: PRODUCTION,
    ignores: ['src/store/**'],
    rules: { 'no-restricted-syntax': sqlRule },
  },
);
