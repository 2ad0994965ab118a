import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const READ_LAYER_INTERNALS = {
  selector: 'ImportDeclaration[source.value=/\\/read\\/./]',
  message: "Import the read layer from its index ('../../read'), not its files.",
};
const NO_GRAPHQL_JIT = {
  name: 'graphql-jit',
  message: 'graphql-jit is used through src/server/compiled-execution.ts only.',
};
const NO_ASYNC_HOOKS = ['node:async_hooks', 'async_hooks'].map((name) => ({
  name,
  message: 'No AsyncLocalStorage: see eslint.config.mjs.',
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      'test/generated/**',
      'web/console/src/generated/**',
      'coverage/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly' },
    },
  },
  {
    files: ['web/*.mjs', 'web/*.mts'],
    languageOptions: { globals: globals.node },
  },
  {
    // The console and GraphiQL run in the browser, as React.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    ignores: ['web/*.mts'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // A promise nobody awaits runs detached: a write meant for a transaction (recordEvent, say)
    // could land after it ended, or its failure go unnoticed.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'migrations/**/*.ts'],
    ignores: ['test/generated/**'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // graphql-jit stays behind src/server/compiled-execution.ts, where what the compiled path
    // skips is tested (test/compiled-schema.test.ts); the module's own test counts compilations.
    ignores: ['src/server/compiled-execution.ts', 'test/compiled-execution.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_GRAPHQL_JIT] }] },
  },
  {
    // One AsyncLocalStorage scope, ever entered, turns on Node's promise hooks for the whole
    // process (Node 20), and every promise of every request pays for them: 8–10% of a page
    // read's CPU (patches/README.md). Pass what a request needs explicitly instead.
    // (This replaces the rule above for these files, so graphql-jit is named again.)
    files: ['src/**/*.ts'],
    ignores: ['src/server/compiled-execution.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...NO_ASYNC_HOOKS, NO_GRAPHQL_JIT] }],
    },
  },
  {
    files: ['src/server/compiled-execution.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: NO_ASYNC_HOOKS }] },
  },
  {
    // And MikroORM's calls that enter one.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          property: 'transactional',
          message: 'em.transactional enters an AsyncLocalStorage scope: use inTransaction.',
        },
        {
          property: 'findAndCount',
          message: 'em.findAndCount enters an AsyncLocalStorage scope: run find and count.',
        },
      ],
    },
  },
  {
    // Feature code reads through the read layer's public surface (src/read/index.ts) only.
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', READ_LAYER_INTERNALS],
    },
  },
  {
    // Resolvers are thin: they neither query nor write SQL, they call the module's reads or service.
    files: ['src/modules/**/*.resolver.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        READ_LAYER_INTERNALS,
        {
          selector: "MemberExpression[property.name='em']",
          message:
            "Resolvers never touch the entity manager: read through the module's reads.ts, or hand the context to its service.",
        },
        {
          selector:
            "CallExpression[callee.property.name='get'][callee.object.property.name='loaders']",
          message: 'Loaders are named and defined once, in reads.ts (defineLoader).',
        },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
);
