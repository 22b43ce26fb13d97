/**
 * A PostgreSQL cluster of a test's own (the machine's PostgreSQL 15 binaries, trust auth, 127.0.0.1 on a
 * port the OS picks): the fault suite restarts it under a running queue-mode n8n, which it must not do to
 * the machine's shared server. `restart()` is what `docker compose restart postgres` does: the postgres
 * image stops with SIGINT, PostgreSQL's fast shutdown (open connections are cut, nothing on disk is lost).
 */
import { execFileSync } from 'child_process';
import { chownSync, mkdtempSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { freePort } from './n8n';

const BIN = '/usr/lib/postgresql/15/bin';

export class OwnPostgres {
	port = 0;
	private dir = '';

	/** initdb refuses to run as root: as root, the cluster is the `postgres` user's, as the machine's is. */
	private run(cmd: string, args: string[]): string {
		const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, cmd), ...args]] : [path.join(BIN, cmd), args];
		return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	}

	async start(): Promise<this> {
		if (!this.dir) {
			this.port = await freePort();
			this.dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-postgres-'));
			if (process.getuid?.() === 0) {
				const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
				const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
				chownSync(this.dir, uid, gid);
			}
			this.run('initdb', ['-D', path.join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
		}
		this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-o', `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off`, '-l', path.join(this.dir, 'log'), '-w', 'start']);
		return this;
	}

	/**
	 * Fast shutdown, then started again on the same port with the same data. Not `pg_ctl restart`: it does not
	 * keep `-l`, so the server would hold this process's output pipe open and execFileSync would never return.
	 */
	async restart(): Promise<void> {
		this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
		await this.start();
	}

	async stop(): Promise<void> {
		if (!this.dir) return;
		try {
			this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
		} catch {
			// already stopped
		}
		rmSync(this.dir, { recursive: true, force: true });
		this.dir = '';
	}
}
