import type { RuleFunction } from '../../engine/evaluate.js';
import type { Evidence } from '../../engine/verdict.js';
import { isCredentialEnvName, isCredentialKey } from '../../model/credentials.js';
import { isPlaceholder, isPlainObject, REDACTED, UNKNOWN } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { pass, propertiesOf, unknown } from '../results.js';
import { isSet, membersOf, asText, attributeName, NON_CREDENTIAL_PARAMETERS } from './job-credentials.js';

const evaluate: RuleFunction = (context) => {
  const job = context.resource;
  const properties = job.body['properties'];
  if (isPlaceholder(properties)) return unknown('properties', 'the job\'s properties are not in the input');
  const configuration = propertiesOf(job)['configuration'];
  const problems: string[] = [];
  const undecided: string[] = [];
  const evidence: Evidence[] = [];
  const found = (path: string, what: string, actual: unknown): void => {
    problems.push(`${attributeName(job, path)} (${what})`);
    evidence.push({ path, actual, expected: 'a managed identity' });
  };
  const open = (path: string): void => {
    undecided.push(attributeName(job, path));
  };
  if (isPlaceholder(configuration)) open('properties.configuration');
  const config = isPlainObject(configuration) ? configuration : {};

  // Registries: a password secret is a credential; an empty string is none.
  const registries = config['registries'];
  if (isPlaceholder(registries)) open('properties.configuration.registries');
  membersOf(registries).forEach((registry, index) => {
    const base = `properties.configuration.registries[${index}]`;
    if (isPlaceholder(registry)) return open(base);
    if (!isPlainObject(registry)) return;
    const password = registry['passwordSecretRef'];
    if (password === UNKNOWN) open(`${base}.passwordSecretRef`);
    else if (isSet(password)) found(`${base}.passwordSecretRef`, 'registry password', 'a secret reference');
  });

  // Scale rules: secrets handed to the scaler, and credentials written into its metadata.
  const scale = isPlainObject(config['eventTriggerConfig']) ? config['eventTriggerConfig']['scale'] : undefined;
  const rules = isPlainObject(scale) ? scale['rules'] : isPlaceholder(scale) ? scale : undefined;
  if (isPlaceholder(rules)) open('properties.configuration.eventTriggerConfig.scale.rules');
  membersOf(rules).forEach((rule, index) => {
    const base = `properties.configuration.eventTriggerConfig.scale.rules[${index}]`;
    if (isPlaceholder(rule)) return open(base);
    if (!isPlainObject(rule)) return;
    const hasIdentity = isSet(rule['identity']);
    const metadata = rule['metadata'];
    if (isPlainObject(metadata)) {
      for (const [key, value] of Object.entries(metadata)) {
        if (isCredentialKey(key) && isSet(value)) found(`${base}.metadata.${key}`, /personalaccesstoken/i.test(key) ? 'a PAT as a plain value' : 'a credential as a plain value', REDACTED);
      }
    }
    const auth = rule['auth'];
    if (isPlaceholder(auth)) return hasIdentity ? open(`${base}.auth`) : found(`${base}.auth`, 'scale rule authentication from secrets, no identity', UNKNOWN);
    membersOf(auth).forEach((entry, authIndex) => {
      if (!isPlainObject(entry)) return;
      const parameterPath = `${base}.auth[${authIndex}].triggerParameter`;
      const parameter = entry['triggerParameter'];
      const secret = asText(entry['secretRef']);
      const from = secret ? ` from secret ${secret}` : '';
      if (isPlaceholder(parameter)) return hasIdentity ? open(parameterPath) : found(parameterPath, `a secret${from} and no identity`, 'a secret reference');
      const name = asText(parameter) ?? '';
      // A credential handed to the scaler fails; without an identity, whatever secret it gets is how it authenticates.
      if (!NON_CREDENTIAL_PARAMETERS.has(name.toLowerCase())) found(parameterPath, `${name}${from}`, 'a secret reference');
      else if (!hasIdentity) found(parameterPath, `${name}${from}, and the scale rule has no identity`, 'a secret reference');
    });
  });

  // The agent's environment: a token from a secret, or as a plain value.
  const template = propertiesOf(job)['template'];
  const containers = isPlainObject(template) ? template['containers'] : template;
  if (isPlaceholder(containers)) open('properties.template.containers');
  membersOf(containers).forEach((container, index) => {
    const base = `properties.template.containers[${index}]`;
    if (isPlaceholder(container)) return open(base);
    if (!isPlainObject(container)) return;
    const env = container['env'];
    if (isPlaceholder(env)) return open(`${base}.env`);
    membersOf(env).forEach((variable, envIndex) => {
      if (!isPlainObject(variable)) return;
      const name = asText(variable['name']);
      if (!name || !isCredentialEnvName(name)) return;
      const path = `${base}.env[${envIndex}]`;
      const secretRef = variable['secretRef'];
      if (isSet(secretRef)) found(`${path}.secretRef`, `${name} from ${typeof secretRef === 'string' ? `secret ${secretRef}` : 'a secret'}`, 'a secret reference');
      if (isSet(variable['value'])) found(`${path}.value`, `${name} as a plain value`, REDACTED);
    });
  });

  if (problems.length) return { verdict: 'fail', evidence, details: { credentials: problems.join(', ') } };
  if (undecided.length) return unknown(undecided[0]!, `${undecided.join(', ')} ${undecided.length === 1 ? 'is' : 'are'} known only after apply (needed to tell whether the job carries a credential)`);
  return pass();
};

export default defineCheck({
  name: 'jobUsesManagedIdentity',
  reads: [],
  details: ['credentials'],
  evaluate,
});
