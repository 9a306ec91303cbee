/**
 * One self-overwriting status line (pages, resources, requests, elapsed) for a person watching a terminal.
 * The audit command only creates it when stderr is a TTY: CI logs and pipes stay quiet.
 */
export class Progress {
  pages = 0;
  resources = 0;
  childRequests = 0;
  private phase = 'starting';
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(private readonly write: (text: string) => void) {}

  setPhase(phase: string): void {
    this.phase = phase;
    this.draw(true);
  }

  page(rows: number): void {
    this.pages++;
    this.resources += rows;
    this.draw();
  }

  childRequest(): void {
    this.childRequests++;
    this.draw();
  }

  /** Clears the line so the report starts on a clean one. */
  done(): void {
    this.write('\r\x1b[2K');
  }

  private draw(force = false): void {
    const now = Date.now();
    // Ten redraws a second is smooth enough and keeps 100,000 GETs from becoming 100,000 writes.
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const elapsed = ((now - this.started) / 1000).toFixed(1);
    const children = this.childRequests ? `, ${this.childRequests} child lists` : '';
    this.write(`\r\x1b[2Kazfence audit: ${this.phase}: ${this.pages} pages, ${this.resources} resources${children}, ${elapsed}s`);
  }
}
