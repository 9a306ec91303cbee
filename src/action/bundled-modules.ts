import * as yamlModule from 'yaml';
import * as ajvModule from 'ajv';
import cliTable3TextModule from 'cli-table3/src/utils.js';
import type { CliTable3Text } from '../lazy-modules.js';

/**
 * src/lazy-modules.ts for the GitHub Action's build (scripts/bundle-action.mjs puts this module in its
 * place): the same functions, over packages imported into the bundle, since the action runs from its
 * checkout, where no node_modules is installed. Loading them at startup costs the action some 90 ms.
 */
export function yaml(): typeof import('yaml') {
  return yamlModule;
}

export function ajv(): typeof import('ajv') {
  // The namespace of ajv's CommonJS exports: what require('ajv') returns, typed as TypeScript sees an import.
  return ajvModule as unknown as typeof import('ajv');
}

export function cliTable3Text(): CliTable3Text {
  return cliTable3TextModule;
}
