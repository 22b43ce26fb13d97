/**
 * One booking source at a time: the work on an external reference (find the appointment, then book, move or
 * cancel it) runs as one step per reference within this n8n process, and a version of the source older than one
 * already written is not written at all ("superseded"). Two moves of one Outlook event 40 ms apart start three
 * executions; without this they could book it twice, or leave it at an older time. Across processes and after a
 * restart the calendar sweep reads the calendar again and puts right what this misses.
 */
import type { IDataObject } from 'n8n-workflow';
import { KeyedMutex } from '../../../../lib/concurrency';
import { NewestVersions } from '../../../../lib/medirecords/versions';

const locks = new KeyedMutex();
const written = new NewestVersions();

/** What an older version of a booking comes to: nothing is written, and the step after knows why. */
export const SUPERSEDED: IDataObject = {
	action: 'superseded',
	superseded: true,
	detail: 'A newer version of this booking was already written to MediRecords; this older one was not.',
};

/**
 * Runs `task` for `reference` once the work on it before has finished, unless a version newer than
 * `modifiedAt` (the source's last change; `deleted` for a deletion) was written meanwhile.
 */
export async function forReference(reference: string, modifiedAt: string | undefined, task: () => Promise<IDataObject>): Promise<IDataObject> {
	if (!reference) return task();
	return locks.run(reference, async () => {
		if (written.isSuperseded(reference, modifiedAt)) return { ...SUPERSEDED };
		const result = await task();
		written.record(reference, modifiedAt);
		return result;
	});
}
