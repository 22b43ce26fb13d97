/** @type {import('jest').Config} */
module.exports = {
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
