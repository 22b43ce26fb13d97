const fs = require('fs');
const path = require('path');
const widget = path.join(__dirname, 'dist/widget/clinic-booking.js');

/** @type {import('jest').Config} */
module.exports = {
	// The build inlines the website widget into the Service Router node; the node tests read the built file.
	globals: { __CLINIC_WIDGET__: fs.existsSync(widget) ? fs.readFileSync(widget, 'utf8') : '' },
	testEnvironment: 'node',
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', target: 'es2022', esModuleInterop: true, experimentalDecorators: true } }],
	},
	testMatch: ['<rootDir>/test/**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/harness/', '/test/e2e/', '/test/bench/'],
	// n8n's own install and its user folders live under harness/: never scan them.
	modulePathIgnorePatterns: ['<rootDir>/harness/', '<rootDir>/dist/'],
	reporters: ['default'],
	testTimeout: 30000,
};
