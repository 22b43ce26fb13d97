/**
 * A Redis of a test's own (Debian's redis-server, nothing kept on disk, as docker-compose.yml's `redis`
 * service keeps nothing either): the fault suite restarts it under a running queue-mode n8n, which it
 * must not do to the machine's shared Redis.
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { freePort } from './n8n';

export class OwnRedis {
	private proc?: ChildProcess;
	port = 0;

	async start(): Promise<this> {
		this.port ||= await freePort();
		this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
		for (let i = 0; i < 100; i++) {
			try {
				if (execFileSync('redis-cli', ['-p', String(this.port), 'PING'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG') return this;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		throw new Error(`redis-server did not answer on port ${this.port}`);
	}

	/** Killed (SIGKILL: whatever it held is gone), then started again empty on the same port. */
	async restart(): Promise<void> {
		await this.stop('SIGKILL');
		await this.start();
	}

	async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
		const p = this.proc;
		this.proc = undefined;
		if (!p || p.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			p.once('exit', () => resolve());
			p.kill(signal);
		});
	}
}
