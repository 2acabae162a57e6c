// @ts-check
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Every Node built-in, as Node itself lists them (with the `node:` prefix or without, and their subpaths).
// Anchored with `/` so that `domain` (a Node built-in) does not match our own `../domain/…` folders.
const nodeBuiltins = ['node:*', ...builtinModules.flatMap((name) => [`/${name}`, `/${name}/*`])];
const frameworks = [
  '@nestjs/*',
  'kafkajs',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'express',
  'zod',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', '.test-data/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Nest injects decorated constructor parameters: a type-only import would erase the runtime token.
      '@typescript-eslint/consistent-type-imports': 'off',
      // Nest's option classes are plain object shapes in practice.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    // Plain JavaScript (with-node.mjs must run on an old Node before the project's own is there).
    files: ['eslint.config.js', '.dependency-cruiser.cjs', 'scripts/with-node.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['.dependency-cruiser.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  // Import boundaries (architecture.md): the domain and the workflows stay deterministic and framework-free.
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, ...frameworks, '@temporalio/*'],
              message: 'libs/domain is pure: no Node built-ins, frameworks or SDKs.',
            },
            {
              group: ['**/apps/**', '**/workflows/**', '**/libs/!(domain)/**', '../../*/**'],
              message: 'libs/domain imports nothing of ours outside itself.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...nodeBuiltins,
                '@nestjs/*',
                'kafkajs',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message:
                'Workflow code runs in the deterministic sandbox: only @temporalio/workflow, libs/domain, libs/contracts and activity types.',
            },
            {
              group: ['**/apps/**', '**/libs/!(domain|contracts)/**'],
              message: 'Workflows import only libs/domain and libs/contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...nodeBuiltins,
                '@nestjs/*',
                'kafkajs',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
                '@temporalio/testing',
                '**/apps/**',
              ],
              message:
                'Contracts are imported by workflows: keep them pure (of Temporal, only the definitions of @temporalio/workflow and @temporalio/common).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/worker/**', '../../worker/**'], message: 'No app imports another app.' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/gateway/**', '../../gateway/**'], message: 'No app imports another app.' },
          ],
        },
      ],
    },
  },
  {
    // The apps run through tsx (esbuild), which emits no decorator metadata: a Nest class's constructor
    // parameter without @Inject(token) is undefined at run time (the drills caught a 500 on every act).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ClassDeclaration:has(Decorator[expression.callee.name=/^(Injectable|Controller|Catch)$/]) MethodDefinition[kind='constructor'] > FunctionExpression > :matches(TSParameterProperty, Identifier)[decorators.length=0]",
          message:
            'Inject each constructor parameter of a Nest class with @Inject(token): tsx emits no decorator metadata.',
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // afterAll hooks guard against a beforeAll that failed half-way.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    // What an integrating agency writes against the generated client: it must type-check without casts.
    files: ['test/e2e/typed-client.e2e.spec.ts'],
    rules: {
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-expect-error': true, 'ts-ignore': true, 'ts-nocheck': true },
      ],
    },
  },
  prettier,
);
