/**
 * The Service Router: one node for everything the clinic's service catalog decides. Each operation lives in
 * its own file under actions/ (`actions/router.ts` lists them); the outputs each one has are in
 * `actions/outputs.ts`, read by the editor and by execute alike.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { JOTFORM_CREDENTIAL } from '../JotForm/transport';
import { outputsExpression } from './actions/outputs';
import { properties, router, SUBTITLES } from './actions/router';

export class ServiceRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Service Router',
		name: 'serviceRouter',
		icon: { light: 'file:servicerouter.svg', dark: 'file:servicerouter.dark.svg' },
		group: ['transform'],
		// 1.1: Route Booking's Service Outputs starts empty (version 1 listed five service keys by default).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{ (${JSON.stringify(SUBTITLES)})[$parameter["operation"]] ?? $parameter["operation"] }}`,
		description: "Routes bookings, forms and payments to the clinic's services from one service catalog",
		defaults: { name: 'Service Router' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression,
		credentials: [{ name: JOTFORM_CREDENTIAL, required: true, displayOptions: { show: { operation: ['routeForm'] } } }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router(this);
	}
}
