import type { ErrorObject } from 'ajv';
import { oneLine } from '../errors.js';
import { pointerSegment } from './json-pointer.js';

/**
 * Ajv errors in plain words, shared by rule packs and configuration (`unknown key "x"`, `must be one of ...`), with the
 * pointer of the exact offending node so the error lands on the typo's own line, not its parent's.
 */
export function describeSchemaError(error: ErrorObject, whole = 'the file'): { problem: string; pointer: string } {
  const where = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : whole;
  switch (error.keyword) {
    case 'additionalProperties': {
      // Naming the key is what makes a typo fixable; packs and configs hold no secrets, but the key is still bounded.
      const key = oneLine(String(error.params['additionalProperty']), 60);
      const pointer = `${error.instancePath}/${pointerSegment(String(error.params['additionalProperty']))}`;
      // Under `rules:` the only keys allowed are rule ids, so an odd key is a malformed id, not a typo'd setting.
      if (error.instancePath === '/rules') return { problem: `rules: "${key}" is not a rule id (like AZF-DNS-004)`, pointer };
      return { problem: `${where}: unknown key "${key}"`, pointer };
    }
    case 'required':
      return { problem: `${where}: missing "${String(error.params['missingProperty'])}"`, pointer: error.instancePath };
    case 'oneOf':
      return { problem: `${where}: is not a valid condition (use allOf, anyOf, not, function, follow, or field/value/count with one operator)`, pointer: error.instancePath };
    case 'enum':
      return { problem: `${where}: must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`, pointer: error.instancePath };
    case 'type': {
      // `null` is allowed only so that an all-commented-out section is empty; it is not worth suggesting.
      const types = String(error.params['type']).split(',').filter((type) => type !== 'null');
      return { problem: `${where}: must be ${types.map((type) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`)).join(' or ')}`, pointer: error.instancePath };
    }
    default:
      return { problem: `${where}: ${error.message ?? 'is invalid'}`, pointer: error.instancePath };
  }
}

/** With allErrors off there is normally one error; if several, the deepest is the most specific. */
export function mostSpecific(errors: ErrorObject[]): ErrorObject {
  return errors.reduce((best, error) => (error.instancePath.length > best.instancePath.length ? error : best));
}
