import { globalIgnores } from 'eslint/config';
import { config } from '@n8n/node-cli/eslint';

// `n8n-node lint` with n8n's own configuration for what the package ships: nodes/, credentials/,
// the lib/ modules they bundle, and package.json. Two changes, which is why package.json sets
// "strict": false (README, "Lint"):
//  - The repository also holds what is never installed into n8n: the sandboxes, the end-to-end
//    harness, the benchmark and the tests. They run in plain Node (timers, process, console are
//    theirs to use), so they are not linted with the community-node rules.
//  - lib/ holds the pure routing and mapping rules, with no n8n imports by design: they throw
//    plain errors, which the nodes turn into NodeOperationError.
export default [
	globalIgnores(['dist', 'node_modules', 'harness', 'test', 'sandbox', 'local', 'bench', 'scripts', 'widget', '*.js']),
	...config,
	{
		files: ['lib/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
];
