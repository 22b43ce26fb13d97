/**
 * Bounded concurrency: at most `limit` tasks run at once, the rest wait their
 * turn in arrival order. One limiter shared by every request of a process keeps
 * a burst of webhook POSTs from opening hundreds of outbound calls at once.
 */
export class Limiter {
	private running = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(readonly limit: number) {
		if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
	}

	get active(): number {
		return this.running;
	}

	get queued(): number {
		return this.waiting.length;
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.running++;
		try {
			return await task();
		} finally {
			const next = this.waiting.shift();
			// The slot passes straight to the next waiter, so `running` never drops below the work in hand.
			if (next) next();
			else this.running--;
		}
	}

	/** Maps every item through `fn` within this limiter; results keep the input order. */
	async map<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
		return Promise.all(items.map((item, i) => this.run(() => fn(item, i))));
	}
}

/**
 * One task at a time per key, in arrival order; tasks under different keys run side by side. Within one
 * process this turns "look for it, create it if absent" into one step, so two executions racing on the
 * same key cannot both find nothing and both create.
 */
export class KeyedMutex {
	private readonly tails = new Map<string, Promise<unknown>>();

	/** Keys with a task running or waiting (for tests and diagnostics). */
	get size(): number {
		return this.tails.size;
	}

	async run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const previous = this.tails.get(key) ?? Promise.resolve();
		const mine = previous.catch(() => undefined).then(task);
		this.tails.set(key, mine);
		try {
			return await mine;
		} finally {
			if (this.tails.get(key) === mine) this.tails.delete(key);
		}
	}
}
