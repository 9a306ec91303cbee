import { describe, expect, it } from 'vitest';
import { materialize, parseTerraformPath, readPlanned } from '../../src/inputs/terraform/plan-values.js';
import { normalizeAzapi, readAzapiBody } from '../../src/inputs/terraform/normalize-azapi.js';
import { isCredentialEnvName, isCredentialKey } from '../../src/model/credentials.js';
import { configMapBody, configMapEntries } from '../../src/model/config-map.js';
import { describeValue, isOpen, isPlaceholder, isRedacted, isUnknown, openObject, ownValue, REDACTED, setOwn, UNKNOWN } from '../../src/model/values.js';

/**
 * Where a plan's values enter the model: Terraform's after_unknown and after_sensitive mirrors turn values
 * into UNKNOWN and REDACTED here, so a secret never reaches a rule, a message or a report.
 */
describe('Terraform attribute paths', () => {
  it('parse into keys and indexes', () => {
    expect(parseTerraformPath('network_rule_set[0].ip_rule')).toEqual(['network_rule_set', 0, 'ip_rule']);
    expect(parseTerraformPath('a[1][2].b')).toEqual(['a', 1, 2, 'b']);
    expect(parseTerraformPath('name')).toEqual(['name']);
    expect(parseTerraformPath('')).toEqual([]);
    expect(parseTerraformPath('a..b')).toEqual(['a', 'b']);
    expect(parseTerraformPath('[3]')).toEqual([3]);
  });
  it('refuse what is not one', () => {
    expect(() => parseTerraformPath('a[x]')).toThrow('invalid Terraform attribute path "a[x]"');
    expect(() => parseTerraformPath('a]b')).toThrow('invalid Terraform attribute path "a]b"');
    expect(() => parseTerraformPath('a[1]b')).toThrow('invalid Terraform attribute path "a[1]b"');
  });
});

describe('readPlanned', () => {
  const planned = {
    value: { name: 'acr', rules: [{ ip: '1.1.1.1' }, { ip: '2.2.2.2' }], block: { key: 'k', other: 'o' }, tags: { env: 'prod' } },
    unknown: { rules: [false, { ip: true }], later: true },
    sensitive: { block: { key: true }, secret: true },
  };
  it('reads a known value with the mirrors below it', () => {
    expect(readPlanned(planned, 'name')).toEqual({ value: 'acr', unknown: undefined, sensitive: undefined });
    expect(readPlanned(planned, 'rules[0].ip')).toEqual({ value: '1.1.1.1', unknown: undefined, sensitive: undefined });
    expect(readPlanned(planned, 'rules')).toEqual({ value: planned.value.rules, unknown: planned.unknown.rules, sensitive: undefined });
    expect(readPlanned(planned, 'block.other')).toEqual({ value: 'o', unknown: undefined, sensitive: undefined });
  });
  it('an unknown mark at or above the path makes it UNKNOWN', () => {
    expect(readPlanned(planned, 'rules[1].ip')).toEqual({ value: UNKNOWN, unknown: true, sensitive: false });
    expect(readPlanned(planned, 'later')).toEqual({ value: UNKNOWN, unknown: true, sensitive: false });
    expect(readPlanned(planned, 'later.deeper[0]')).toEqual({ value: UNKNOWN, unknown: true, sensitive: false });
  });
  it('a sensitive mark at or above the path makes it REDACTED, and wins over unknown', () => {
    expect(readPlanned(planned, 'block.key')).toEqual({ value: REDACTED, unknown: false, sensitive: true });
    expect(readPlanned(planned, 'secret.deeper')).toEqual({ value: REDACTED, unknown: false, sensitive: true });
    expect(readPlanned({ value: {}, unknown: { both: true }, sensitive: { both: true } }, 'both')).toEqual({ value: REDACTED, unknown: false, sensitive: true });
    expect(readPlanned({ value: {}, unknown: true, sensitive: true }, 'x')).toEqual({ value: REDACTED, unknown: false, sensitive: true });
    expect(readPlanned({ value: 'v', unknown: false, sensitive: true }, '')).toEqual({ value: REDACTED, unknown: false, sensitive: true });
  });
  it('an index into what is not a list, or a key into what is not an object, is absent', () => {
    expect(readPlanned(planned, 'name[0]').value).toBeUndefined();
    expect(readPlanned(planned, 'rules.ip').value).toBeUndefined();
    expect(readPlanned(planned, 'constructor').value).toBeUndefined();
  });
});

describe('materialize: every sensitive or unknown member becomes its placeholder', () => {
  it('list members, set members, nested blocks and map values', () => {
    const planned = {
      value: { ranges: ['1.1.1.1/32', 'secret-range', '3.3.3.3/32'], block: [{ inner: { a: 1, b: 'hidden' } }], tags: { env: 'prod', token: 'abc' }, plain: 'x', number: 3 },
      unknown: { ranges: [false, false, true], block: [{ inner: { c: true } }], tags: {} },
      sensitive: { ranges: [false, true], block: [{ inner: { b: true } }], tags: { token: true } },
    };
    expect(materialize(planned)).toEqual({
      ranges: ['1.1.1.1/32', REDACTED, UNKNOWN],
      block: [{ inner: { a: 1, b: REDACTED, c: UNKNOWN } }],
      tags: { env: 'prod', token: REDACTED },
      plain: 'x',
      number: 3,
    });
  });
  it('an unknown member Terraform left out of after still counts', () => {
    expect(materialize({ value: ['a'], unknown: [false, true, false], sensitive: undefined })).toEqual(['a', UNKNOWN]);
    expect(materialize({ value: [], unknown: [true, true], sensitive: [] })).toEqual([UNKNOWN, UNKNOWN]);
  });
  it('an unknown key absent from after is there, as UNKNOWN; a known key is not overwritten', () => {
    expect(materialize({ value: undefined, unknown: { id: true, name: false }, sensitive: undefined })).toEqual({ id: UNKNOWN });
    expect(materialize({ value: { id: 'x' }, unknown: { id: true }, sensitive: undefined })).toEqual({ id: UNKNOWN });
    expect(materialize({ value: { id: 'x' }, unknown: { other: false }, sensitive: undefined })).toEqual({ id: 'x' });
  });
  it('a whole value sensitive or unknown', () => {
    expect(materialize({ value: { a: 1 }, unknown: false, sensitive: true })).toBe(REDACTED);
    expect(materialize({ value: { a: 1 }, unknown: true, sensitive: false })).toBe(UNKNOWN);
    expect(materialize({ value: 'x', unknown: true, sensitive: true })).toBe(REDACTED);
    expect(materialize({ value: null, unknown: undefined, sensitive: undefined })).toBeNull();
  });
  it('a sensitive mark over a list marks every member, however deep', () => {
    expect(materialize({ value: { a: [{ b: ['x'] }] }, unknown: undefined, sensitive: { a: true } })).toEqual({ a: REDACTED });
    expect(materialize({ value: { a: [{ b: ['x', 'y'] }] }, unknown: undefined, sensitive: { a: [{ b: [false, true] }] } })).toEqual({ a: [{ b: ['x', REDACTED] }] });
  });
  it('keys that name Object.prototype members are data', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c"}') as Record<string, unknown>;
    const out = materialize({ value, unknown: undefined, sensitive: JSON.parse('{"__proto__": {"polluted": true}}') }) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out['__proto__']).toEqual({ polluted: REDACTED });
    expect(out['constructor']).toBe('c');
  });
  it('depth is bounded: beyond 200 levels the value is unknown, never a stack overflow', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 205; i++) deep = [deep];
    let out = materialize({ value: deep, unknown: undefined, sensitive: undefined });
    let depth = 0;
    while (Array.isArray(out)) {
      out = out[0];
      depth++;
    }
    expect(depth).toBe(201);
    expect(out).toBe(UNKNOWN);
  });
});

describe('azapi bodies', () => {
  const planned = (value: Record<string, unknown>, unknown: unknown = undefined, sensitive: unknown = undefined) => ({ value, unknown, sensitive });
  it('the ARM type from type, the body as an object or a JSON string, tags and parent id beside it', () => {
    expect(normalizeAzapi(planned({ type: 'Microsoft.ContainerRegistry/registries@2023-07-01', body: { properties: { publicNetworkAccess: 'Disabled' } }, parent_id: '/rg', tags: { a: 'b' } }))).toEqual({
      armType: 'Microsoft.ContainerRegistry/registries',
      body: { properties: { publicNetworkAccess: 'Disabled' }, parentId: '/rg', tags: { a: 'b' } },
      attributeOf: new Map(),
    });
    expect(normalizeAzapi(planned({ type: 'Microsoft.Web/sites/config', body: ' {"sku": {"name": "S1"}} ' }))).toEqual({ armType: 'Microsoft.Web/sites/config', body: { sku: { name: 'S1' }, properties: {} }, attributeOf: new Map() });
    expect(normalizeAzapi(planned({ type: 'Microsoft.Web/sites@v1', body: '  ' }))).toEqual({ armType: 'Microsoft.Web/sites', body: { properties: {} }, attributeOf: new Map() });
    expect(normalizeAzapi(planned({ type: 'Microsoft.Web/sites@v1' }))).toEqual({ armType: 'Microsoft.Web/sites', body: { properties: {} }, attributeOf: new Map() });
    expect(normalizeAzapi(planned({ type: 'Microsoft.Web/sites@v1', body: null }))).toEqual({ armType: 'Microsoft.Web/sites', body: { properties: {} }, attributeOf: new Map() });
  });
  it('tags known only after apply are unknown, not absent', () => {
    expect(normalizeAzapi(planned({ type: 'Microsoft.Web/sites@v1', body: {} }, { tags: true }))).toEqual({ armType: 'Microsoft.Web/sites', body: { properties: {}, tags: UNKNOWN }, attributeOf: new Map() });
  });
  it('a sensitive or unknown body is a placeholder throughout; sensitive members of a body are redacted', () => {
    expect(normalizeAzapi(planned({ type: 'Microsoft.Web/sites@v1', body: { properties: { a: 1 } } }, undefined, { body: true }))).toEqual({
      armType: 'Microsoft.Web/sites',
      body: { properties: REDACTED, sku: REDACTED },
      attributeOf: new Map(),
    });
    expect(readAzapiBody(planned({ body: '{"a": 1}' }, { body: true }))).toBe(UNKNOWN);
    expect(readAzapiBody(planned({ body: '{"a": 1}' }, undefined, { body: true }))).toBe(REDACTED);
    expect(readAzapiBody(planned({ body: { properties: { key: 's', ok: 1 } } }, undefined, { body: { properties: { key: true } } }))).toEqual({ properties: { key: REDACTED, ok: 1 } });
  });
  it('a type that cannot be told leaves the resource unclassified, saying why', () => {
    expect(normalizeAzapi(planned({}, { type: true }))).toEqual({ unclassified: { attribute: 'type', why: 'unknown' } });
    expect(normalizeAzapi(planned({ type: 'x' }, undefined, { type: true }))).toEqual({ unclassified: { attribute: 'type', why: 'sensitive' } });
  });
  it('a type or body of the wrong shape is an error that says what is wrong', () => {
    expect(() => normalizeAzapi(planned({}))).toThrow(new Error('its type is missing'));
    expect(() => normalizeAzapi(planned({ type: null }))).toThrow(new Error('its type is missing'));
    expect(() => normalizeAzapi(planned({ type: ['a'] }))).toThrow(new Error('its type is a list, not Microsoft.X/y@api-version'));
    expect(() => normalizeAzapi(planned({ type: 7 }))).toThrow(new Error('its type is a number, not Microsoft.X/y@api-version'));
    expect(() => normalizeAzapi(planned({ type: 'registries@2023' }))).toThrow(new Error('its type is not Microsoft.X/y@api-version'));
    expect(() => normalizeAzapi(planned({ type: 'Microsoft.Web/sites@v1', body: '{not json' }))).toThrow(new Error('azapi body is a string that is not valid JSON'));
    expect(() => normalizeAzapi(planned({ type: 'Microsoft.Web/sites@v1', body: '[1]' }))).toThrow(new Error('azapi body is neither an object nor a JSON object string'));
    expect(() => normalizeAzapi(planned({ type: 'Microsoft.Web/sites@v1', body: 5 }))).toThrow(new Error('azapi body is neither an object nor a JSON object string'));
  });
});

describe('placeholders and how values are shown', () => {
  it('describeValue renders placeholders as words and values briefly', () => {
    expect(describeValue(UNKNOWN)).toBe('(known after apply)');
    expect(describeValue(REDACTED)).toBe('(sensitive)');
    expect(describeValue(undefined)).toBe('(not set)');
    expect(describeValue(null)).toBe('null');
    expect(describeValue('Enabled')).toBe('"Enabled"');
    expect(describeValue('x'.repeat(120))).toBe(`"${'x'.repeat(120)}"`);
    expect(describeValue('x'.repeat(121))).toBe(`"${'x'.repeat(117)}..."`);
    expect(describeValue(0)).toBe('0');
    expect(describeValue(false)).toBe('false');
    expect(describeValue([])).toBe('[]');
    expect(describeValue(['10.0.0.0/8', 3, true, UNKNOWN, REDACTED])).toBe('["10.0.0.0/8", 3, true, (known after apply), (sensitive)]');
    expect(describeValue(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('[6 items]');
    expect(describeValue([{ a: 1 }])).toBe('[1 item]');
    expect(describeValue(['a', null])).toBe('[2 items]');
    expect(describeValue({ secret: 'never shown' })).toBe('{...}');
  });
  it('each placeholder is told apart', () => {
    expect([isUnknown(UNKNOWN), isUnknown(REDACTED), isRedacted(REDACTED), isRedacted(UNKNOWN)]).toEqual([true, false, true, false]);
    expect([isPlaceholder(UNKNOWN), isPlaceholder(REDACTED), isPlaceholder('x'), isPlaceholder(undefined)]).toEqual([true, true, false, false]);
  });
  it('an open object is marked without showing the mark', () => {
    const open = openObject({ a: 1 });
    expect(isOpen(open)).toBe(true);
    expect(isOpen({ a: 1 })).toBe(false);
    expect(isOpen(null)).toBe(false);
    expect(isOpen('x')).toBe(false);
    expect(Object.keys(open)).toEqual(['a']);
    expect(JSON.stringify(open)).toBe('{"a":1}');
  });
  it('input keys read and write as data, never as Object.prototype members', () => {
    const target: Record<string, unknown> = {};
    setOwn(target, '__proto__', { polluted: true });
    setOwn(target, 'plain', 1);
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['__proto__', 'plain']);
    expect(Object.getOwnPropertyDescriptor(target, '__proto__')).toEqual({ value: { polluted: true }, enumerable: true, writable: true, configurable: true });
    expect(ownValue(target, 'plain')).toBe(1);
    expect(ownValue({}, 'toString')).toBeUndefined();
    expect(ownValue({}, 'constructor')).toBeUndefined();
  });
});

describe('credential names', () => {
  it('map keys that hold a credential', () => {
    for (const key of ['token', 'personalAccessToken', 'password', 'DB_PASSWD', 'clientSecret', 'apiKey', 'api-key', 'api_key', 'accessKey', 'access_key', 'connectionString', 'connection-string', 'connection', 'Connection'])
      expect(isCredentialKey(key), key).toBe(true);
    for (const key of ['tokenFromEnv', 'passwordFromEnv', 'connectionFromEnv', 'queueName', 'account', 'connectionTimeout', 'myconnection'])
      expect(isCredentialKey(key), key).toBe(false);
  });
  it('environment variables that carry a token or a password', () => {
    for (const name of ['AZP_TOKEN', 'token', 'DB_PASSWORD', 'SMTP_PASSWD', 'GITHUB_PAT', 'PAT', 'pat']) expect(isCredentialEnvName(name), name).toBe(true);
    for (const name of ['PATH', 'PATTERN', 'AZP_URL', 'SPAT', 'PAT_URL']) expect(isCredentialEnvName(name), name).toBe(false);
  });
});

describe('ConfigMap bodies keep keys, never values', () => {
  it('values REDACTED in the body, kept apart for the credential check', () => {
    const body = configMapBody({ name: 'cfg', namespace: 'ci' }, { AZP_TOKEN: 'secret', url: 'https://x' }, { blob: 'AAAA' });
    expect(body).toEqual({
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'ci', labels: {} },
      properties: { data: { AZP_TOKEN: REDACTED, url: REDACTED }, binaryData: { blob: REDACTED } },
    });
    expect(JSON.stringify(body)).not.toContain('secret');
    expect([...configMapEntries(body)!]).toEqual([
      ['AZP_TOKEN', { from: 'data', value: 'secret' }],
      ['url', { from: 'data', value: 'https://x' }],
      ['blob', { from: 'binaryData', value: 'AAAA' }],
    ]);
    expect(configMapEntries({ kind: 'ConfigMap' })).toBeUndefined();
  });
  it('the namespace defaults as kubectl does; placeholders and non-objects are kept as such', () => {
    expect(configMapBody({ name: 'a', namespace: undefined, labels: { app: 'x' } }, UNKNOWN, 'text')).toEqual({
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'default', labels: { app: 'x' } },
      properties: { data: UNKNOWN, binaryData: {} },
    });
    expect((configMapBody({ name: 'a', namespace: '' }, {}, {})['metadata'] as Record<string, unknown>)['namespace']).toBe('');
    expect((configMapBody({ name: 'a', namespace: UNKNOWN }, {}, {})['metadata'] as Record<string, unknown>)['namespace']).toBe(UNKNOWN);
  });
});

describe('an azapi type is Microsoft.X/y@api-version, whole', () => {
  it('text before or after the type is not a type', () => {
    const azapi = (type: string) => () => normalizeAzapi({ value: { type, body: {} }, unknown: {}, sensitive: {} });
    expect(azapi('Microsoft.Storage/storageAccounts@2023-01-01')()).toMatchObject({ armType: 'Microsoft.Storage/storageAccounts' });
    expect(azapi('evil Microsoft.Storage/storageAccounts@2023-01-01')).toThrow('its type is not Microsoft.X/y@api-version');
    expect(azapi('Microsoft.Storage/storageAccounts@2023-01-01 evil')).toThrow('its type is not Microsoft.X/y@api-version');
  });
});

describe('edges of plan paths, nesting, open objects and credential keys', () => {
  it('an index of several digits', () => {
    expect(parseTerraformPath('rules[12].ip')).toEqual(['rules', 12, 'ip']);
    expect(readPlanned({ value: { rules: Array.from({ length: 13 }, (_, i) => ({ ip: `10.0.0.${i}` })) }, unknown: {}, sensitive: {} }, 'rules[12].ip').value).toBe('10.0.0.12');
  });
  it('an object nested deeper than 200 levels is unknown below that depth', () => {
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 210; i++) deep = { next: deep };
    let read = materialize({ value: deep, unknown: {}, sensitive: {} }) as Record<string, unknown>;
    let depth = 0;
    while (read && typeof read === 'object' && 'next' in read) {
      read = read['next'] as Record<string, unknown>;
      depth++;
    }
    expect(read).toBe(UNKNOWN);
    expect(depth).toBe(201);
  });
  it('the open mark is not copied by a spread (a copy is an ordinary object)', () => {
    expect(isOpen(openObject({ a: 1 }))).toBe(true);
    expect(isOpen({ ...openObject({ a: 1 }) })).toBe(false);
  });
  it('only a key ending in FromEnv names a variable instead of a credential', () => {
    expect(isCredentialKey('personalAccessTokenFromEnv')).toBe(false);
    expect(isCredentialKey('tokenFromEnvironment')).toBe(true);
  });
});
