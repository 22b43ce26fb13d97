import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { resourceProperties, router } from './actions/router';
import { listSearch, loadOptions } from './methods';
import { combineNotes, noteExecution, type ExecutionNote } from '../shared/executionData';

/** What an appointment or patient step did, in words for the executions list. */
const OUTCOMES: Record<string, Record<string, string>> = {
	appointment: { created: 'booked', existing: 'already booked', rescheduled: 'rescheduled', cancelled: 'cancelled', alreadyCancelled: 'already cancelled', updated: 'appointment updated', unchanged: 'appointment unchanged' },
	patient: { created: 'created', updated: 'updated', unchanged: 'unchanged' },
};

function noteFor(resource: string, json: IDataObject): ExecutionNote {
	const action = typeof json.action === 'string' ? json.action : undefined;
	if (resource === 'appointment') {
		if (json.found === false) return { outcome: 'appointment not found' };
		const outcome = action ? OUTCOMES.appointment[action] : undefined;
		return outcome ? { outcome, appointmentId: typeof json.id === 'string' ? json.id : undefined } : {};
	}
	if (resource === 'patient' && action) {
		const review = Array.isArray(json.reviewReasons) && json.reviewReasons.length > 0;
		return { patient: review ? `${OUTCOMES.patient[action] ?? action}, needs review` : (OUTCOMES.patient[action] ?? action) };
	}
	return {};
}

export class MediRecords implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MediRecords',
		name: 'mediRecords',
		icon: { light: 'file:medirecords.svg', dark: 'file:medirecords.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Find or create patients and book appointments in MediRecords',
		defaults: { name: 'MediRecords' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'mediRecordsApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Appointment', value: 'appointment' },
					{ name: 'Appointment Type', value: 'appointmentType' },
					{ name: 'Patient', value: 'patient' },
					{ name: 'Practice', value: 'practice' },
				],
				default: 'patient',
			},
			...resourceProperties,
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		const notes: ExecutionNote[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const result = await router(this, i);
				const input = this.getNodeParameter('options.includeInputFields', i, false) === true ? items[i].json : undefined;
				for (const json of Array.isArray(result) ? result : [result]) out.push({ json: input ? { ...input, ...json } : json, pairedItem: { item: i } });
				if (!Array.isArray(result)) notes.push(noteFor(this.getNodeParameter('resource', i) as string, result));
			} catch (error) {
				if (this.continueOnFail()) {
					// n8n's own error item: with "On Error: Continue (using error output)" it goes to the error output.
					const e = error instanceof NodeApiError || error instanceof NodeOperationError ? error : new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
					out.push({ json: { error: e.message, details: e.description ?? null }, error: e, pairedItem: { item: i } });
					continue;
				}
				throw error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
		}
		noteExecution(this, combineNotes(notes), ['outcome']);
		return [out];
	}
}
