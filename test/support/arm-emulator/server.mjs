// An emulator of the parts of Azure Resource Manager an audit touches, on loopback over TLS:
//   GET  /msi/token                                   App Service managed identity token endpoint
//   GET  /subscriptions                               subscription list, paged with nextLink
//   POST /providers/Microsoft.ResourceGraph/resources Resource Graph: the Resources and AuthorizationResources
//                                                     tables (role assignments are only in the latter), a
//                                                     `type in~ (...)` filter, project or
//                                                     `summarize count() by subscriptionId`, $skipToken paging
//   GET  {parentId}/{childCollection}                 ARM child lists (privateDnsZoneGroups, ruleCollectionGroups)
// Each request is logged with its time; `fault` lets a test answer any request differently (throttle, 5xx,
// drop the connection). Subscriptions in `forbidden` answer 403, as Azure does for a scope without Reader.
// `pageFault` answers a Resource Graph page with a 200 that loses rows, as a misbehaving service or proxy
// could: data that is not rows (the table format, or strings), resultTruncated with no $skipToken, paging
// that stops early, or a $skipToken that never advances.
import { rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { makeCertificate } from './cert.mjs';

const TOKEN = 'emulated-access-token';
const IDENTITY_HEADER = 'emulated-identity-header';

/**
 * @param {object} options
 * @param {{subscriptions: Array<{id: string, displayName?: string, state?: string}>, rows: object[], children?: Record<string, Record<string, object[]>>, managementGroups?: Record<string, string[]>}} options.estate
 * @param {number} [options.pageSize] rows per Resource Graph page (at most the request's $top)
 * @param {number} [options.subscriptionPageSize]
 * @param {number} [options.childPageSize]
 * @param {string[]} [options.forbidden] subscription ids without access
 * @param {(request: {kind: string, index: number, path: string, body?: any, subscriptions?: string[]}) => undefined | 'drop' | {status: number, headers?: Record<string, string>, body?: unknown}} [options.fault]
 * @param {(request: {kind: string, index: number}) => Record<string, string> | undefined} [options.extraHeaders]
 * @param {(page: {index: number, subscriptions?: string[]}) => undefined | 'data-not-rows' | 'rows-not-objects' | 'truncated' | 'ends-early' | 'repeats-token'} [options.pageFault]
 */
export async function startEmulator(options) {
  const { estate } = options;
  const pageSize = options.pageSize ?? 1000;
  const forbidden = new Set((options.forbidden ?? []).map((id) => id.toLowerCase()));
  const certificate = makeCertificate();
  const requests = [];
  const counts = new Map();
  const byType = indexByType(estate.rows);
  const rowIds = new Set(estate.rows.map((row) => row.id.toLowerCase()));
  const childIndex = new Map(Object.entries(estate.children ?? {}).map(([id, lists]) => [id.toLowerCase(), new Map(Object.entries(lists).map(([k, v]) => [k.toLowerCase(), v]))]));

  const server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `https://${req.headers.host}`);
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? safeJson(text) : undefined;
      const kind = kindOf(req.method, url.pathname);
      const index = counts.get(kind) ?? 0;
      counts.set(kind, index + 1);
      const entry = { time: performance.now(), method: req.method, kind, path: url.pathname + url.search, status: 0, subscriptions: body?.subscriptions, query: body?.query, top: body?.options?.$top };
      requests.push(entry);
      const send = (status, payload, headers = {}) => {
        entry.status = status;
        const json = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...(options.extraHeaders?.({ kind, index }) ?? {}), ...headers });
        res.end(json);
      };
      const injected = options.fault?.({ kind, index, path: url.pathname, body, subscriptions: body?.subscriptions });
      if (injected === 'drop') {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (injected) return send(injected.status, injected.body ?? { error: { code: 'Injected', message: `injected ${injected.status}` } }, injected.headers);
      if (kind === 'token') return token(req, url, send);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: { code: 'AuthenticationFailed', message: 'no or wrong bearer token' } });
      if (kind === 'graph') return graph(body, send, index);
      if (kind === 'subscriptions') return subscriptions(url, send);
      return children(url, send);
    });
  });

  function token(req, url, send) {
    if (req.headers['x-identity-header'] !== IDENTITY_HEADER) return send(400, { error: 'invalid_request', error_description: 'missing X-IDENTITY-HEADER' });
    const resource = url.searchParams.get('resource') ?? '';
    send(200, { access_token: TOKEN, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource, token_type: 'Bearer', client_id: 'emulated-client' });
  }

  function graph(body, send, index) {
    const query = String(body?.query ?? '');
    const types = typesOf(query);
    const table = tableOf(query);
    if (!types || !table) return send(400, { error: { code: 'BadRequest', message: `the emulator only understands "Resources | where type in~ (...)" and "AuthorizationResources | where type in~ (...)" (got: ${query.slice(0, 80)})` } });
    let scope;
    if (Array.isArray(body.managementGroups) && body.managementGroups.length) {
      scope = new Set(body.managementGroups.flatMap((mg) => estate.managementGroups?.[mg] ?? []).map((id) => id.toLowerCase()));
    } else {
      const requested = (body.subscriptions ?? []).map((id) => String(id).toLowerCase());
      const denied = requested.find((id) => forbidden.has(id));
      if (denied) return send(403, { error: { code: 'AuthorizationFailed', message: `The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read' over scope '/subscriptions/${denied}'` } });
      scope = new Set(requested);
    }
    const matching = [];
    // As in Azure, each table holds its own types: role assignments are not in Resources.
    for (const type of types) {
      if (AUTHORIZATION_TYPE.test(type) !== (table === 'authorizationresources')) continue;
      for (const row of byType.get(type) ?? []) if (scope.has(String(row.subscriptionId).toLowerCase())) matching.push(row);
    }
    const offset = body.options?.$skipToken ? Number(Buffer.from(body.options.$skipToken, 'base64url').toString()) : 0;
    const size = Math.min(pageSize, body.options?.$top ?? 1000);
    const columns = projectionOf(query);
    // `| summarize count() by subscriptionId`: one row per subscription with a count_ column, as Resource Graph answers.
    const result = /\|\s*summarize\s+count\(\)\s+by\s+subscriptionId\s*$/i.test(query) ? countBySubscription(matching) : matching;
    const data = result.slice(offset, offset + size).map((row) => (columns ? Object.fromEntries(columns.filter((c) => c in row).map((c) => [c, row[c]])) : row));
    const next = offset + size < result.length ? Buffer.from(String(offset + size)).toString('base64url') : undefined;
    const page = { totalRecords: result.length, count: data.length, resultTruncated: 'false', ...(next ? { $skipToken: next } : {}), data, facets: [] };
    switch (options.pageFault?.({ index, subscriptions: body.subscriptions })) {
      case 'data-not-rows': {
        const names = [...new Set(data.flatMap((row) => Object.keys(row)))];
        page.data = { columns: names.map((name) => ({ name, type: 'object' })), rows: data.map((row) => names.map((name) => row[name] ?? null)) };
        break;
      }
      case 'rows-not-objects':
        page.data = data.map((row) => JSON.stringify(row));
        break;
      case 'truncated':
        page.resultTruncated = 'true';
        delete page.$skipToken;
        break;
      case 'ends-early':
        delete page.$skipToken;
        break;
      case 'repeats-token':
        page.$skipToken = body.options?.$skipToken ?? next;
        break;
    }
    send(200, page);
  }

  function subscriptions(url, send) {
    const size = options.subscriptionPageSize ?? 100;
    const offset = Number(url.searchParams.get('$skiptoken') ?? 0);
    const value = estate.subscriptions.slice(offset, offset + size).map((s) => ({ id: `/subscriptions/${s.id}`, subscriptionId: s.id, displayName: s.displayName ?? s.id, state: s.state ?? 'Enabled', tenantId: 'emulated-tenant' }));
    const next = offset + size < estate.subscriptions.length ? `${baseUrl()}/subscriptions?api-version=2022-12-01&$skiptoken=${offset + size}` : undefined;
    send(200, { value, ...(next ? { nextLink: next } : {}) });
  }

  function children(url, send) {
    const segments = url.pathname.split('/');
    const collection = decodeURIComponent(segments.pop() ?? '').toLowerCase();
    const parentId = segments.map(decodeURIComponent).join('/').toLowerCase();
    const subscription = /^\/subscriptions\/([^/]+)/.exec(parentId)?.[1];
    if (subscription && forbidden.has(subscription)) return send(403, { error: { code: 'AuthorizationFailed', message: `no access to ${parentId}` } });
    const lists = childIndex.get(parentId);
    const parentExists = lists || rowIds.has(parentId);
    if (!parentExists) return send(404, { error: { code: 'ResourceNotFound', message: `${parentId} not found` } });
    const all = lists?.get(collection) ?? [];
    const size = options.childPageSize ?? 50;
    const offset = Number(url.searchParams.get('$skiptoken') ?? 0);
    const next = offset + size < all.length ? `${baseUrl()}${url.pathname}?api-version=${url.searchParams.get('api-version')}&$skiptoken=${offset + size}` : undefined;
    send(200, { value: all.slice(offset, offset + size), ...(next ? { nextLink: next } : {}) });
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const baseUrl = () => `https://127.0.0.1:${port}`;

  return {
    url: baseUrl(),
    port,
    certPath: certificate.certPath,
    requests,
    /** The environment the audit subprocess needs: managed identity through the emulator, and its CA. */
    env() {
      return {
        IDENTITY_ENDPOINT: `${baseUrl()}/msi/token`,
        IDENTITY_HEADER,
        AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
        NODE_EXTRA_CA_CERTS: certificate.certPath,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      rmSync(certificate.dir, { recursive: true, force: true });
    },
  };
}

function kindOf(method, path) {
  if (path === '/msi/token') return 'token';
  if (method === 'POST' && /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(path)) return 'graph';
  if (path === '/subscriptions') return 'subscriptions';
  return 'child';
}

const AUTHORIZATION_TYPE = /^microsoft\.authorization\//;

function tableOf(query) {
  const table = /^\s*(\w+)\s*\|/.exec(query)?.[1]?.toLowerCase();
  return table === 'resources' || table === 'authorizationresources' ? table : undefined;
}

function typesOf(query) {
  const match = /type\s+in~\s*\(([^)]*)\)/i.exec(query);
  if (!match) return undefined;
  return [...match[1].matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1].toLowerCase());
}

function projectionOf(query) {
  const match = /\|\s*project\s+([^|]+)$/i.exec(query);
  return match ? match[1].split(',').map((c) => c.trim()).filter(Boolean) : undefined;
}

function countBySubscription(rows) {
  const counts = new Map();
  for (const row of rows) counts.set(row.subscriptionId, (counts.get(row.subscriptionId) ?? 0) + 1);
  return [...counts].map(([subscriptionId, count_]) => ({ subscriptionId, count_ }));
}

function indexByType(rows) {
  const index = new Map();
  for (const row of rows) {
    const type = String(row.type).toLowerCase();
    if (!index.has(type)) index.set(type, []);
    index.get(type).push(row);
  }
  return index;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
