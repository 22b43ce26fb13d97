/**
 * Starts the local sandboxes on loopback: `npm run sandbox`.
 * Ports come from the environment (defaults shown in --help).
 */
import { MediRecordsSandbox } from './medirecords';
import { PRACTICE_ID, SANDBOX_TOKEN } from './seed';

export interface SandboxPorts {
	medirecords: number;
}

export const DEFAULT_PORTS: SandboxPorts = {
	medirecords: Number(process.env.MEDIRECORDS_SANDBOX_PORT ?? 4010),
};

async function main(): Promise<void> {
	if (process.argv.includes('--help')) {
		process.stdout.write(`MEDIRECORDS_SANDBOX_PORT (default 4010)\n`);
		return;
	}
	const mr = await new MediRecordsSandbox({ port: DEFAULT_PORTS.medirecords }).start();
	process.stdout.write(`MediRecords sandbox  ${mr.url}  token=${SANDBOX_TOKEN}  practiceId=${PRACTICE_ID}\n`);
	const stop = async () => {
		await mr.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

if (require.main === module) void main();
