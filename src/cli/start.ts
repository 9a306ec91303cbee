import { runProcess } from './process-run.js';

// The azfence process as an ES module: what src/cli.ts loads when it runs from the sources (tests) and what
// the GitHub Action's bundle runs. The package's bin runs the same runProcess from its script instead.
await runProcess();
