import { armNotation } from '../../model/notation.js';

/** Rows a live audit read from Resource Graph: ARM names and values; what a row lacks, Azure did not return. */
export const AUDIT_NOTATION = armNotation({ unread: '(not returned by Azure)', projected: 'audit' });
