// Mocha's spec reporter plus one closing line in the form CI reads ("<suite>: N passed, N failed,
// N skipped"), and the same counts as JSON for scripts/run-tests.mjs when SCO_TEST_STATS_FILE is set.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      const label = process.env.SCO_TEST_SUITE || 'tests';
      process.stdout.write(`\n${label}: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
      if (process.env.SCO_TEST_STATS_FILE) {
        fs.writeFileSync(process.env.SCO_TEST_STATS_FILE, JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending }));
      }
    });
  }
}
module.exports = SummaryReporter;
