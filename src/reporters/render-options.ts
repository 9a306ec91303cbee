import type { Finding } from '../findings/finding.js';

/** How the CLI asks for a report: where it runs (SARIF paths), colours and --quiet (the table). */
export interface RenderOptions {
  /** The working directory, against which findings name files. */
  cwd?: string;
  /** The checkout root SARIF locations are relative to (cli/checkout-root.ts). */
  root?: string;
  /** Severity colours (table on a terminal). */
  color?: boolean;
  /** --quiet: the table lists only these findings (those that fail the gate). */
  only?: readonly Finding[];
}
