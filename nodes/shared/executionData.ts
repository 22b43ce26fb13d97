/**
 * What an execution was about, in n8n's executions list (custom execution data, filterable there):
 * the service, practitioner key, booking kind, outcome and MediRecords appointment id. Only catalog
 * keys, reasons and ids are written: never a patient's name, email, phone or date of birth.
 */
import type { FunctionsBase } from 'n8n-workflow';

export type ExecutionNote = Partial<Record<'service' | 'practitioner' | 'kind' | 'outcome' | 'appointmentId' | 'patient' | 'form' | 'payment', string | undefined>>;

/** n8n keeps at most 255 characters per value (and logs an error above that). */
const MAX_VALUE = 255;

/** The value after another item of the same execution said `next`: distinct values, in order. */
export function mergeNoteValue(previous: string | undefined, next: string): string {
	if (!previous) return next.slice(0, MAX_VALUE);
	const parts = previous.split(', ');
	if (parts.includes(next)) return previous;
	return [...parts, next].join(', ').slice(0, MAX_VALUE);
}

/** One note for a step's items: each key holds every item's distinct value. */
export function combineNotes(notes: ExecutionNote[]): ExecutionNote {
	const out: ExecutionNote = {};
	for (const note of notes) {
		for (const [key, value] of Object.entries(note) as Array<[keyof ExecutionNote, string | undefined]>) {
			if (value !== undefined && value !== '') out[key] = mergeNoteValue(out[key], value);
		}
	}
	return out;
}

/**
 * Adds a step's note to the execution's custom data. `replace` keys overwrite (a later step's outcome replaces
 * an earlier step's); others add to what earlier steps wrote. Never fails the step: custom data is
 * only a label.
 */
export function noteExecution(ctx: Pick<FunctionsBase, 'customData'>, note: ExecutionNote, replace: Array<keyof ExecutionNote> = []): void {
	try {
		const data = ctx.customData;
		for (const [key, value] of Object.entries(note)) {
			if (value === undefined || value === '') continue;
			const previous = replace.includes(key as keyof ExecutionNote) ? undefined : (data.get(key) as string | undefined);
			data.set(key, mergeNoteValue(previous, String(value)));
		}
	} catch {
		// No execution behind this context (a unit test), or n8n refused the value: the step goes on.
	}
}
