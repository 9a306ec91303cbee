import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

export { PACKAGE_ROOT };
export const BUILT_IN_POLICY_DIR = join(PACKAGE_ROOT, 'policies');
