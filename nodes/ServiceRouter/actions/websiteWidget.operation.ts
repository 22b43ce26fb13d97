/** Website Widget: the script the clinic's pages load (clinic-booking.js), with the clinic's contact details from the catalog. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { servedWidget } from '../../../lib/catalog/listing';
import { WIDGET_SCRIPT } from '../widgetScript';
import { eachItem, type Operation, type Outputs } from './common';

export const option: Operation['option'] = {
	name: 'Website Widget',
	value: 'websiteWidget',
	action: 'Serve the website booking widget',
	description: 'The script the clinic’s web pages load (clinic-booking.js), with the clinic’s contact details from the catalog',
};
export const subtitle = 'The website’s booking widget';
export const description: INodeProperties[] = [];

export async function execute(ctx: IExecuteFunctions, out: Outputs): Promise<void> {
	await eachItem(ctx, out, (i, catalog) => {
		if (!WIDGET_SCRIPT) throw new NodeOperationError(ctx.getNode(), 'This build of the package has no website widget.', { itemIndex: i, description: 'Build the package with `npm run build`, which bundles widget/clinic-booking.ts.' });
		const served = servedWidget(catalog, WIDGET_SCRIPT);
		out.unlessCached(ctx, served.version, served, i);
	});
}
