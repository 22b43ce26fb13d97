/** Operation → the operation's own file (one per operation, as n8n's Microsoft Outlook v2 node), and the outputs it fills. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { catalogParameter, ifNoneMatchParameter, Outputs, type Operation } from './common';
import * as defineCatalog from './defineCatalog.operation';
import * as listPractitioners from './listPractitioners.operation';
import * as matchPayment from './matchPayment.operation';
import * as recordOutcome from './recordOutcome.operation';
import * as routeBooking from './routeBooking.operation';
import * as routeForm from './routeForm.operation';
import * as websiteWidget from './websiteWidget.operation';
import { outputRows } from './outputs';

/** In the order of the Operation list. */
const OPERATIONS: Operation[] = [defineCatalog, listPractitioners, matchPayment, recordOutcome, routeBooking, routeForm, websiteWidget];
const BY_NAME = new Map(OPERATIONS.map((op) => [op.option.value, op]));

/** Canvas subtitles, in words, by operation. */
export const SUBTITLES: Record<string, string> = Object.fromEntries(OPERATIONS.map((op) => [op.option.value, op.subtitle]));

/** The Operation selector, then each operation's own fields and the two some share. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: OPERATIONS.map((op) => op.option),
		default: 'routeBooking',
	},
	...defineCatalog.description,
	catalogParameter,
	...routeBooking.description,
	...listPractitioners.description,
	...matchPayment.description,
	ifNoneMatchParameter('listPractitioners', 'websiteWidget'),
	...recordOutcome.description,
	...routeForm.description,
	...websiteWidget.description,
];

export async function router(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const op = BY_NAME.get(operation);
	if (!op) throw new NodeOperationError(ctx.getNode(), `Unknown operation "${operation}".`);
	const rows = outputRows({
		operation,
		serviceOutputs: operation === 'routeBooking' ? ctx.getNodeParameter('serviceOutputs', 0, '') : undefined,
		matchAgainst: operation === 'matchPayment' ? ctx.getNodeParameter('matchAgainst', 0, 'catalog') : undefined,
	});
	const out = new Outputs(rows, operation);
	await op.execute(ctx, out);
	return out.lists;
}
