// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.cache/**',
      '.data/**',
      '.run/**',
      '*.config.js',
      'eslint.config.mjs',
      'tools/lockfile/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@shopmesh/*/*'], message: 'Import a library only through its root alias (@shopmesh/<lib>).' },
            {
              group: ['**/libs/*/src/*', '../../libs/**', '../../../libs/**'],
              message: 'Import a library through its @shopmesh/<lib> alias, not by path.',
            },
          ],
        },
      ],
    },
  },
  {
    // orders' domain rules (the saga's state machine, pricing, idempotency decisions) are plain TypeScript
    files: [
      'apps/orders/src/checkout-saga/saga.ts',
      'apps/orders/src/checkout-saga/transition.ts',
      'apps/orders/src/idempotency/key-decision.ts',
      'apps/orders/src/idempotency/canonical-json.ts',
      'apps/orders/src/place-order/price-order.ts',
      'apps/orders/src/view-orders/order-cursor.ts',
    ],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@shopmesh/*/*'], message: 'Import a library only through its root alias (@shopmesh/<lib>).' },
            {
              group: ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'ioredis', '@shopmesh/*', '!@shopmesh/contracts'],
              message:
                'Domain code imports no framework, database or messaging code (only @shopmesh/contracts types); map at the edge.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
