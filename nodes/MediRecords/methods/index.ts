import type { ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { listAppointmentTypes } from '../actions/appointmentType';

async function typeOptions(ctx: ILoadOptionsFunctions, filter?: string): Promise<INodePropertyOptions[]> {
	const types = await listAppointmentTypes(ctx);
	const needle = (filter ?? '').toLowerCase();
	return types
		.filter((t) => t.activeStatus === undefined || Number(t.activeStatus) === 1)
		.filter((t) => !needle || String(t.name).toLowerCase().includes(needle))
		.map((t) => ({ name: `${String(t.name)}${t.duration ? ` (${String(t.duration)})` : ''}`, value: String(t.id) }));
}

export const listSearch = {
	async searchAppointmentTypes(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		return { results: await typeOptions(this, filter) };
	},
};

export const loadOptions = {
	async getAppointmentTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return typeOptions(this);
	},
};
