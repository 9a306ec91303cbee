import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Headless Chromium (Debian's `chromium`) driven over the DevTools protocol through a pipe
 * (--remote-debugging-pipe): no port, no WebSocket client, no npm package that pins a browser build. The
 * protocol is the one DevTools itself speaks, so what the tests observe (the live DOM after the page's
 * script ran, the accessibility tree, every network request, a screenshot) is what a user's browser does.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser to use: $AZFENCE_CHROMIUM, else Debian's chromium. `.ci/run` installs it when it is missing. */
export function chromiumPath(): string {
  const chosen = process.env['AZFENCE_CHROMIUM'] ?? CANDIDATES.find((path) => existsSync(path));
  if (!chosen || !existsSync(chosen)) throw new Error('no Chromium found: install Debian\'s chromium (apt-get install -y chromium) or set AZFENCE_CHROMIUM');
  return chosen;
}

interface Pending {
  resolve: (value: any) => void;
  reject: (error: Error) => void;
  method: string;
}

export interface CdpEvent {
  method: string;
  params: any;
  sessionId?: string;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  readonly events: CdpEvent[] = [];
  private readonly waiters: Array<{ method: string; resolve: (event: CdpEvent) => void }> = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const output = child.stdio[4] as Readable;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.receive(chunk));
  }

  static async launch(): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'azfence-chromium-'));
    const child = spawn(
      chromiumPath(),
      [
        '--headless',
        '--remote-debugging-pipe',
        // Containers and CI run as root, where Chromium's sandbox cannot start; the page is our own report.
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        '--font-render-hinting=none',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const browser = new Browser(child, profile);
    await browser.send('Browser.getVersion');
    return browser;
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
      const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown; sessionId?: string };
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) pending?.reject(new Error(`${pending.method}: ${message.error.message}`));
        else pending?.resolve(message.result);
      } else if (message.method) {
        const event: CdpEvent = { method: message.method, params: message.params, ...(message.sessionId ? { sessionId: message.sessionId } : {}) };
        this.events.push(event);
        for (const waiter of this.waiters.filter((candidate) => candidate.method === event.method)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    const input = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  waitFor(method: string): Promise<CdpEvent> {
    return new Promise((resolve) => this.waiters.push({ method, resolve }));
  }

  /** Opens `url` in a new tab of the given size and waits for its load event. */
  async open(url: string, size = { width: 1280, height: 900 }): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId as string);
    await page.send('Network.enable');
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Log.enable');
    await page.send('Emulation.setDeviceMetricsOverride', { width: size.width, height: size.height, deviceScaleFactor: 1, mobile: false });
    const loaded = this.waitFor('Page.loadEventFired');
    await page.send('Page.navigate', { url });
    await loaded;
    return page;
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class Page {
  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  }

  /** Every URL the page asked the network stack for (the document itself included). */
  requests(): string[] {
    return this.browser.events.filter((event) => event.sessionId === this.sessionId && event.method === 'Network.requestWillBeSent').map((event) => String(event.params.request.url));
  }

  /** Console and browser log entries: CSP violations, script errors. */
  logs(): string[] {
    return this.browser.events
      .filter((event) => event.sessionId === this.sessionId && (event.method === 'Log.entryAdded' || event.method === 'Runtime.exceptionThrown' || event.method === 'Runtime.consoleAPICalled'))
      .map((event) => JSON.stringify(event.params.entry?.text ?? event.params.exceptionDetails?.text ?? event.params.args?.map((arg: { value?: unknown }) => arg.value)));
  }

  /** A real key press on the focused element (keyDown, char, keyUp), as a keyboard user makes it. */
  async press(key: 'Enter' | 'Tab' | ' '): Promise<void> {
    const codes: Record<string, { code: string; keyCode: number; text?: string }> = { Enter: { code: 'Enter', keyCode: 13, text: '\r' }, Tab: { code: 'Tab', keyCode: 9 }, ' ': { code: 'Space', keyCode: 32, text: ' ' } };
    const { code, keyCode, text } = codes[key]!;
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', key, code, windowsVirtualKeyCode: keyCode, ...(text ? { text } : {}) });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code, windowsVirtualKeyCode: keyCode });
  }

  async insertText(text: string): Promise<void> {
    await this.send('Input.insertText', { text });
  }

  async screenshot(): Promise<Buffer> {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: false });
    return Buffer.from(data as string, 'base64');
  }

  /** The accessibility tree as assistive technology gets it: role and accessible name of each node. */
  async accessibilityTree(): Promise<Array<{ role: string; name: string; properties: Record<string, unknown> }>> {
    const { nodes } = await this.send('Accessibility.getFullAXTree');
    return (nodes as Array<{ ignored?: boolean; role?: { value?: string }; name?: { value?: string }; properties?: Array<{ name: string; value: { value?: unknown } }> }>)
      .filter((node) => !node.ignored)
      .map((node) => ({
        role: String(node.role?.value ?? ''),
        name: String(node.name?.value ?? ''),
        properties: Object.fromEntries((node.properties ?? []).map((property) => [property.name, property.value.value])),
      }));
  }
}
