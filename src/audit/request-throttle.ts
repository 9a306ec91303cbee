/**
 * Makes requests wait while Azure has asked us to: after a 429's Retry-After, or while Resource Graph's
 * per-user quota is spent (`x-ms-user-quota-remaining: 0`) until `x-ms-user-quota-resets-after`. Shared by
 * every request to one API, so concurrent requests stop together instead of each earning its own 429.
 */
export class RequestThrottle {
  private openAt = 0;
  /** Total time requests were held, for the progress line and tests. */
  waitedMs = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = delay,
  ) {}

  /** Hold every request for `ms` from now (never shortens an existing hold). */
  holdFor(ms: number): void {
    if (ms > 0) this.openAt = Math.max(this.openAt, this.now() + ms);
  }

  /** Reads Resource Graph's quota headers from any response. */
  observeQuota(header: (name: string) => string | undefined): void {
    const remaining = Number(header('x-ms-user-quota-remaining'));
    if (header('x-ms-user-quota-remaining') === undefined || !Number.isFinite(remaining) || remaining > 0) return;
    const resetsAfter = parseTimeSpan(header('x-ms-user-quota-resets-after'));
    // Quota spent but no reset time: a short pause beats an immediate 429.
    this.holdFor(resetsAfter ?? 1000);
  }

  async ready(): Promise<void> {
    for (let wait = this.openAt - this.now(); wait > 0; wait = this.openAt - this.now()) {
      this.waitedMs += wait;
      await this.sleep(wait);
    }
  }
}

/** `hh:mm:ss` (optionally with fractional seconds), as Resource Graph sends x-ms-user-quota-resets-after. */
export function parseTimeSpan(text: string | undefined): number | undefined {
  const match = /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text?.trim() ?? '');
  if (!match) return undefined;
  return Math.round((Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
