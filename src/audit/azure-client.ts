// The only module that imports the Azure SDK. audit.ts loads it with a dynamic import, so a plan scan pays
// nothing for @azure/identity and @azure/arm-resourcegraph at startup.
import { DefaultAzureCredential } from '@azure/identity';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { createDefaultHttpClient, createPipelineRequest, RestError, type PipelinePolicy } from '@azure/core-rest-pipeline';
import { UserError, oneLine } from '../errors.js';
import type { AzureApi, GraphPage, GraphRequest } from './api.js';
import type { CloudEndpoints } from './clouds.js';
import type { RequestThrottle } from './request-throttle.js';

export interface ConnectOptions {
  /** Resource Graph's quota headers are read off every response into this throttle. */
  graphThrottle: RequestThrottle;
  requestTimeoutMs: number;
}

export async function connectAzure(cloud: CloudEndpoints, options: ConnectOptions): Promise<AzureApi> {
  // DefaultAzureCredential reads its own environment (AZURE_TOKEN_CREDENTIALS, AZURE_CLIENT_ID, federated
  // tokens, managed identity, az login): azfence adds no credential flags.
  const credential = new DefaultAzureCredential({ authorityHost: cloud.authorityHost });
  await signIn(credential, cloud.scope);
  const quotaPolicy: PipelinePolicy = {
    name: 'azfenceResourceGraphQuota',
    async sendRequest(request, next) {
      const response = await next(request);
      options.graphThrottle.observeQuota((name) => response.headers.get(name));
      return response;
    },
  };
  const client = new ResourceGraphClient(credential, {
    endpoint: cloud.arm,
    credentials: { scopes: [cloud.scope] },
    // withRetry owns retries: it knows which failures to name per subscription, and SDK retries on top
    // would multiply the attempts and hide the quota headers between them.
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: quotaPolicy, position: 'perRetry' }],
  });
  const httpClient = createDefaultHttpClient();

  return {
    async queryGraph(request: GraphRequest): Promise<GraphPage> {
      const response = await withTimeout(options.requestTimeoutMs, (abortSignal) => client.resources(
        {
          query: request.query,
          ...(request.subscriptions ? { subscriptions: request.subscriptions } : {}),
          ...(request.managementGroups ? { managementGroups: request.managementGroups } : {}),
          options: { top: request.top, resultFormat: 'objectArray', ...(request.skipToken ? { skipToken: request.skipToken } : {}) },
        },
        { abortSignal },
      ));
      // Passed on as answered: read-graph.ts refuses a page whose data is not rows rather than read it as empty.
      const truncated = String(response.resultTruncated) === 'true';
      return {
        data: response.data as unknown,
        ...(response.skipToken ? { skipToken: response.skipToken } : {}),
        ...(typeof response.totalRecords === 'number' ? { totalRecords: response.totalRecords } : {}),
        ...(truncated ? { resultTruncated: true } : {}),
      };
    },

    // The Resource Graph client's pipeline already carries the bearer token, user agent and quota
    // policy for this cloud: ARM GETs reuse it rather than building a second one.
    async armGet(pathOrUrl: string): Promise<unknown> {
      const url = /^https:\/\//i.test(pathOrUrl) ? pathOrUrl : `${cloud.arm}${pathOrUrl}`;
      const request = createPipelineRequest({ url, method: 'GET' });
      const response = await withTimeout(options.requestTimeoutMs, (abortSignal) => client.pipeline.sendRequest(httpClient, Object.assign(request, { abortSignal })));
      if (response.status !== 200) throw new RestError(`Unexpected status code: ${response.status}`, { statusCode: response.status, request, response });
      try {
        return JSON.parse(response.bodyAsText ?? 'null') as unknown;
      } catch {
        throw new RestError('the response is not JSON', { statusCode: response.status, request, response, code: 'PARSE_ERROR' });
      }
    },
  };
}

/**
 * Our own per-request timeout rather than the SDK's `timeout`: the SDK leaves its timer running when a request
 * fails (a dropped connection), which kept the CLI alive for a full timeout after its report was printed.
 */
async function withTimeout<T>(ms: number, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return await send(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Signs in once up front, so a missing login is one clear line instead of an error per subscription. */
async function signIn(credential: DefaultAzureCredential, scope: string): Promise<void> {
  try {
    await credential.getToken(scope);
  } catch (error) {
    throw new UserError(`cannot sign in to Azure for ${scope}: ${oneLine((error as Error).message, 250)}`);
  }
}
