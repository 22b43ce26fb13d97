import { KeyedMutex, Limiter } from '../../lib/concurrency';

const tick = () => new Promise((r) => setImmediate(r));
function gate(): { promise: Promise<void>; resolve: () => void } {
	let resolve = (): void => {};
	const promise = new Promise<void>((r) => (resolve = r));
	return { promise, resolve };
}

describe('Limiter', () => {
	test('runs at most `limit` tasks at once, in arrival order, and keeps result order', async () => {
		const limiter = new Limiter(3);
		let running = 0;
		let most = 0;
		const started: number[] = [];
		const gates = Array.from({ length: 10 }, gate);
		const all = limiter.map(gates, async (gate, i) => {
			started.push(i);
			most = Math.max(most, ++running);
			await gate.promise;
			running--;
			return i * 2;
		});
		await tick();
		expect(started).toEqual([0, 1, 2]);
		expect(limiter.queued).toBe(7);
		gates[1].resolve();
		await tick();
		expect(started).toEqual([0, 1, 2, 3]);
		for (const g of gates) g.resolve();
		expect(await all).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
		expect(most).toBe(3);
		expect(limiter.active).toBe(0);
	});

	test('a failing task frees its slot and rejects only its own caller', async () => {
		const limiter = new Limiter(1);
		const bad = limiter.run(async () => {
			throw new Error('no');
		});
		const good = limiter.run(async () => 'yes');
		await expect(bad).rejects.toThrow('no');
		await expect(good).resolves.toBe('yes');
		expect(limiter.active).toBe(0);
	});

	test('refuses a limit that is not a positive integer', () => {
		expect(() => new Limiter(0)).toThrow(RangeError);
		expect(() => new Limiter(1.5)).toThrow(RangeError);
	});
});

describe('KeyedMutex', () => {
	test('runs one task at a time per key, in arrival order, while other keys run side by side; a failure does not block the next', async () => {
		const mutex = new KeyedMutex();
		const log: string[] = [];
		const a1 = gate();
		const b1 = gate();
		const first = mutex.run('a', async () => {
			log.push('a1 start');
			await a1.promise;
			log.push('a1 end');
			throw new Error('MediRecords refused');
		});
		const second = mutex.run('a', async () => {
			log.push('a2');
			return 2;
		});
		const other = mutex.run('b', async () => {
			log.push('b1 start');
			await b1.promise;
			return 'b';
		});
		await tick();
		expect(log).toEqual(['a1 start', 'b1 start']);
		expect(mutex.size).toBe(2);
		a1.resolve();
		await expect(first).rejects.toThrow('MediRecords refused');
		await expect(second).resolves.toBe(2);
		expect(log).toEqual(['a1 start', 'b1 start', 'a1 end', 'a2']);
		b1.resolve();
		await expect(other).resolves.toBe('b');
		expect(mutex.size).toBe(0);
	});
});
