// One linter for the whole tree. The import rules below are DESIGN.md's layout made enforceable.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'node:*'];

/** The engine's parts (DESIGN.md layout); each imports only shared/ and other domain folders. */
const DOMAIN_FOLDERS = ['proxy', 'tls', 'capture', 'probes', 'analysis', 'rules', 'system'];

const noElectron = {
  name: 'electron',
  message: "Only electron/main and electron/preload import 'electron'.",
};

const NO_RENDERER = { group: ['**/renderer/**'], message: 'The engine never imports the renderer.' };
const NO_CLI = {
  group: ['**/cli/**', '@cli/*'],
  message: 'The engine never imports the CLI (electron/cli).',
};
const NO_ASSEMBLY = {
  group: ['**/api/*', '**/web/*', '**/engine.js', '**/engine'],
  message: `Domain folders (${DOMAIN_FOLDERS.join(', ')}) never import api/, web/ or engine.ts.`,
};

/** One block of import rules for the Node side: no 'electron', and these patterns. */
function importRules(files, ignores, patterns) {
  return {
    files,
    ...(ignores.length > 0 ? { ignores } : {}),
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // shared/ imports nothing outside shared/: no Node, no DOM, no React, no Electron.
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            noElectron,
            ...builtinModules.map((name) => ({ name, message: 'shared/ must not use Node.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'shared/ must not use Node.' },
            {
              group: ['react', 'react-dom', 'react/*', 'react-dom/*'],
              message: 'shared/ must not use React.',
            },
            {
              group: ['../electron/*', '../renderer/*', '**/electron/**', '**/renderer/**'],
              message: 'shared/ imports only shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer imports shared/ and itself only, and talks to the engine only through NetlensApi.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            noElectron,
            ...nodeBuiltins
              .filter((n) => n !== 'node:*')
              .map((name) => ({ name, message: 'The renderer never uses Node.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer never uses Node.' },
            {
              group: ['**/electron/**', '../electron/*'],
              message: 'The renderer talks to the engine only through NetlensApi.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/api/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='window'][property.name='netlens']",
          message: 'Only renderer/api touches window.netlens.',
        },
        {
          selector: "NewExpression[callee.name='WebSocket']",
          message: 'Only renderer/api opens the WebSocket.',
        },
      ],
    },
  },
  // The engine (and everything but main/ and preload/) runs under plain Node; the engine never
  // imports the CLI (the CLI is its client); domain folders are the engine's parts, and api/, web/
  // and engine.ts assemble them, never the reverse. ESLint keeps one no-restricted-imports per
  // file (the last matching block wins), so each block lists every rule that applies there.
  importRules(['electron/**/*.ts'], ['electron/main/**', 'electron/preload/**'], [NO_RENDERER]),
  importRules(['electron/engine/**/*.ts'], [], [NO_RENDERER, NO_CLI]),
  importRules(
    [`electron/engine/{${DOMAIN_FOLDERS.join(',')}}/**/*.ts`],
    [],
    [NO_RENDERER, NO_CLI, NO_ASSEMBLY],
  ),
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/**'], message: 'The shell never imports the renderer.' }] },
      ],
    },
  },
  {
    files: ['tests/**/*.{ts,tsx}', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
