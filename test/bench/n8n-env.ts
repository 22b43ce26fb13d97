/** BENCH_N8N_ENV='NAME=value,…': n8n settings to compare (an earlier build's defaults, an engine option). */
export function benchN8nEnv(): Record<string, string> {
	return Object.fromEntries((process.env.BENCH_N8N_ENV ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
}
