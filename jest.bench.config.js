/** Benchmarks (npm run bench): measurements compared with bench/targets.json by scripts/bench-check.js. */
const base = require('./jest.config.js');
module.exports = { ...base, testMatch: ['<rootDir>/test/bench/**/*.bench.test.ts'], testPathIgnorePatterns: ['/node_modules/', '/harness/'], testTimeout: 900000, maxWorkers: 1 };
