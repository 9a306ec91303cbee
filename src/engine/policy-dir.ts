import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The package root: dist/engine -> .., src/engine -> .. (tests run from source). */
export const PACKAGE_ROOT = resolve(here, '..', '..');
export const BUILT_IN_POLICY_DIR = join(PACKAGE_ROOT, 'policies');
