/**
 * Boundaries a machine checks (`npm run deps`, part of `npm test`). House style: no import cycles between
 * files or between folders; a library is reached from outside only through its `src/index.ts`; no file
 * without a purpose (orphans); the domain imports no framework; workflows only the domain and contracts; no
 * app imports another.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles between files (type-only imports included).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libs-through-their-index',
      severity: 'error',
      comment: 'Another part of the code reaches a library only through its src/index.ts.',
      from: { path: '^(apps/[^/]+|libs/[^/]+|workflows|scripts|test|bench)/' },
      to: {
        path: '^libs/[^/]+/src/',
        // Second entry points: the domain's test fixtures, the AsyncAPI builder, and the contracts the
        // workflow sandbox needs (its own entry, so the gateway's schemas stay out of the sandbox).
        pathNot: [
          '^libs/[^/]+/src/index\\.ts$',
          '^libs/contracts/src/workflow\\.ts$',
          '^$1/',
          '^libs/[^/]+/src/testing/',
          '^libs/contracts/src/asyncapi\\.ts$',
        ],
      },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment:
        'A source file nothing imports and that is no entry point, test or configuration is dead code.',
      from: {
        orphan: true,
        pathNot: [
          '\\.(spec|int\\.spec|e2e\\.spec|bench)\\.ts$',
          '(^|/)\\.[^/]+\\.(c|m)?js$',
          '\\.d\\.ts$',
          '^(eslint|vitest)\\.config\\.',
          // The console's build configuration and its entry point (Vite starts from index.html).
          '^apps/console/vite\\.config\\.ts$',
          '^apps/console/src/main\\.tsx$',
          '^scripts/',
          '^apps/[^/]+/src/main\\.ts$',
          '^libs/[^/]+/src/index\\.ts$',
          '^workflows/index\\.ts$',
          // The workflow interceptor module: the bundler loads it by path (WORKFLOW_INTERCEPTOR_MODULES).
          '^workflows/tracing\\.interceptors\\.ts$',
          '^test/support/global-setup\\.ts$',
          '^test/support/quiet-temporal-runtime\\.ts$',
        ],
      },
      to: {},
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.tools|\\.data|docs)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
