import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'harness/**', 'test/**', 'sandbox/**', 'bench/**', 'gulpfile.js', 'jest.config.js'] },
	{
		files: ['**/*.ts', 'package.json'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
		},
		plugins: { '@typescript-eslint': tseslint.plugin },
	},
	n8nCommunityNodesPlugin.configs.recommended,
	{
		// lib/ holds the pure routing and mapping rules: no n8n imports by design, so
		// they throw plain errors that the nodes turn into NodeOperationError.
		files: ['lib/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
];
