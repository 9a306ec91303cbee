// Preloaded with `node --require ./bench/measure.cjs`: reports the process's own CPU time and peak RSS at
// exit, to the file named by AZFENCE_BENCH_OUT (stdout stays the tool's). A CommonJS preload, not an ES
// module one (`--import`): Node runs the main script through its ES module loader whenever an --import is
// given, which would add that loader's start to a CommonJS bin (azfence's is one) that users never pay.
'use strict';
const { writeFileSync } = require('node:fs');

const started = process.hrtime.bigint();
process.on('exit', () => {
  const usage = process.resourceUsage();
  const out = process.env.AZFENCE_BENCH_OUT;
  if (!out) return;
  writeFileSync(out, JSON.stringify({ wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssMb: usage.maxRSS / 1024 }));
});
