/**
 * Which version of each booking source (an Outlook event, by its id) this process last wrote to MediRecords.
 * Two moves of one event 40 ms apart give three notifications and three executions, each holding the version it
 * read; without this, whichever finished last set the appointment's time, often an older one. A version is
 * ordered by when the source last changed it (Graph's lastModifiedDateTime); a deletion is final.
 * Per process and bounded: across processes and restarts the calendar sweep puts right what this misses.
 */
export const DELETED = 'deleted';

export class NewestVersions {
	private readonly written = new Map<string, number>();

	constructor(readonly capacity = 20_000) {}

	/** Whether a version changed at `modifiedAt` is older than one already written for `reference`. Unreadable times are never older. */
	isSuperseded(reference: string, modifiedAt: string | undefined): boolean {
		const seen = this.written.get(reference);
		if (seen === undefined) return false;
		if (modifiedAt === DELETED) return false;
		const at = Date.parse(String(modifiedAt ?? ''));
		return Number.isFinite(at) ? at < seen : seen === Infinity;
	}

	/** Remembers that the version changed at `modifiedAt` (or the deletion) was written for `reference`. */
	record(reference: string, modifiedAt: string | undefined): void {
		const at = modifiedAt === DELETED ? Infinity : Date.parse(String(modifiedAt ?? ''));
		if (!Number.isFinite(at) && at !== Infinity) return;
		const previous = this.written.get(reference);
		this.written.delete(reference);
		this.written.set(reference, Math.max(at, previous ?? -Infinity));
		if (this.written.size > this.capacity) this.written.delete(this.written.keys().next().value as string);
	}

	get size(): number {
		return this.written.size;
	}
}
