import { delay, type RequestThrottle } from './request-throttle.js';

/** A request that could not be completed, with the one-line reason the report names. */
export class RequestFailed extends Error {
  constructor(
    readonly problem: string,
    readonly status: number | undefined,
    /** True when retrying could not have helped (403, 404, a bad query): bisecting a batch can. */
    readonly permanent: boolean,
  ) {
    super(problem);
    this.name = 'RequestFailed';
  }
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After obeyed; longer ones are cut to this (a scheduled audit must end). */
  maxThrottleMs: number;
  throttle: RequestThrottle;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (event: { attempt: number; waitMs: number; problem: string }) => void;
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'throttle'> = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxThrottleMs: 300_000 };

interface Classified {
  transient: boolean;
  problem: string;
  status?: number;
  /** What the service asked us to wait (Retry-After), if it did. */
  waitMs?: number;
}

/**
 * Runs one request with bounded retries: 429 waits what the service says (and holds the throttle so sibling
 * requests wait too), transient 5xx, 408, timeouts and dropped connections back off exponentially with
 * jitter; anything else fails at once.
 */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? delay;
  for (let attempt = 1; ; attempt++) {
    await options.throttle.ready();
    try {
      return await operation();
    } catch (error) {
      const classified = classify(error);
      if (!classified.transient || attempt >= options.maxAttempts) {
        const after = classified.transient ? ` (after ${attempt} attempts)` : '';
        throw new RequestFailed(`${classified.problem}${after}`, classified.status, !classified.transient);
      }
      let waitMs: number;
      if (classified.waitMs !== undefined) {
        waitMs = Math.min(classified.waitMs, options.maxThrottleMs);
        options.throttle.holdFor(waitMs);
      } else {
        const exponential = Math.min(options.baseDelayMs * 2 ** (attempt - 1), options.maxDelayMs);
        waitMs = Math.round(exponential * (0.8 + Math.random() * 0.4));
      }
      options.onRetry?.({ attempt, waitMs, problem: classified.problem });
      if (classified.waitMs === undefined) await sleep(waitMs);
    }
  }
}

/** Duck-typed over @azure/core-rest-pipeline's RestError, so this module never loads the SDK. */
interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null };
}

const DROPPED = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

export function classify(error: unknown): Classified {
  const e = (error ?? {}) as ErrorLike;
  const status = e.statusCode;
  if (status !== undefined) {
    const header = (name: string) => e.response?.headers?.get(name) ?? undefined;
    const problem = `HTTP ${status}${serviceMessage(e)}`;
    if (status === 429) return { transient: true, problem, status, waitMs: retryAfterMs(header) ?? 1000 };
    if (status === 408 || status >= 500) return { transient: true, problem, status, ...(retryAfterMs(header) !== undefined ? { waitMs: retryAfterMs(header)! } : {}) };
    return { transient: false, problem, status };
  }
  if (e.name === 'AbortError') return { transient: true, problem: 'the request timed out' };
  if (e.code && DROPPED.has(e.code)) return { transient: true, problem: `the connection was dropped (${e.code})` };
  if (e.code === 'REQUEST_SEND_ERROR' || /socket hang up|ECONNRESET|other side closed/i.test(e.message ?? '')) return { transient: true, problem: 'the connection was dropped' };
  return { transient: false, problem: e.message ?? String(error) };
}

/** The service's own error code and message (`{error: {code, message}}`), which say what is wrong. */
function serviceMessage(e: ErrorLike): string {
  let code = e.code;
  let message = e.message && !/^Unexpected status code/.test(e.message) ? e.message : undefined;
  const text = e.response?.bodyAsText;
  if (text) {
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // Not JSON (a gateway's HTML page): the status says enough.
    }
  }
  const parts = [code, message].filter((part): part is string => Boolean(part));
  return parts.length ? `: ${parts.join(': ')}` : '';
}

/** Retry-After in seconds or as an HTTP date, or the millisecond variants ARM also sends. */
export function retryAfterMs(header: (name: string) => string | undefined): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(header(name));
    if (header(name) !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = header('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
