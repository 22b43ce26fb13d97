/** End-to-end tests: real n8n (see local/n8n.ts). Run by scripts/test.sh after the unit and node tests. */
const base = require('./jest.config.js');
module.exports = {
	...base,
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
	testTimeout: 600000,
	maxWorkers: 1,
	testPathIgnorePatterns: ['/node_modules/', '/harness/'],
};
