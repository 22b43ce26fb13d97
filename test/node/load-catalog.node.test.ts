import type { IDataObject } from 'n8n-workflow';
import { LoadServiceCatalog } from '../../nodes/LoadServiceCatalog/LoadServiceCatalog.node';
import { forgetCatalogs } from '../../nodes/LoadServiceCatalog/loadCatalog';
import { ServiceRouter } from '../../nodes/ServiceRouter/ServiceRouter.node';
import { catalogParameters } from '../helpers/fixtures';
import { registerNode, runNode } from '../helpers/n8n';

registerNode('loadServiceCatalog', LoadServiceCatalog);
registerNode('serviceRouter', ServiceRouter);

/** The Service Catalog workflow, run as n8n runs a sub-workflow: its "Clinic Catalog" step on the items it is given. */
let catalogParams: IDataObject = catalogParameters();
const calls: Array<{ workflowId?: string; items: IDataObject[] }> = [];
async function executeWorkflow(info: { id?: string }, _data: unknown, options: { inputData?: Array<{ json: IDataObject }> }) {
	const items = (options.inputData ?? []).map((i) => i.json);
	calls.push({ workflowId: info.id, items });
	if (info.id !== 'CatalogWf0000001') throw new Error(`Workflow ${info.id} does not exist`);
	const r = await runNode({ type: 'serviceRouter', name: 'Clinic Catalog', parameters: catalogParams }, items);
	if (r.error) throw r.error;
	return { executionId: 'sub', data: [r.outputs[0]] };
}

const load = (items: IDataObject[], parameters: IDataObject = {}) =>
	runNode({ type: 'loadServiceCatalog', name: 'Load Service Catalog', parameters: { catalogWorkflowId: 'CatalogWf0000001', cacheSeconds: 30, ...parameters } }, items, { overrides: { executeWorkflow } });

beforeEach(() => {
	forgetCatalogs();
	calls.length = 0;
	catalogParams = catalogParameters();
});

test('attaches the checked catalog to every item; the catalog workflow gets one empty item, never the patient data', async () => {
	const r = await load([{ patient: { email: 'ana@example.com' } }, { patient: { email: 'tom@example.com' } }]);
	expect(r.error).toBeUndefined();
	expect(r.outputs[0].map((i) => i.json.patient)).toEqual([{ email: 'ana@example.com' }, { email: 'tom@example.com' }]);
	expect(r.outputs[0][1].json).toMatchObject({ catalog: { clinic: { name: 'Whole Health Clinic' } } });
	expect(r.outputs[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(calls).toEqual([{ workflowId: 'CatalogWf0000001', items: [{}] }]);
});

test('runs the catalog workflow once per reuse period, and on every run with 0 seconds', async () => {
	await Promise.all([load([{}]), load([{}]), load([{}])]);
	await load([{}]);
	expect(calls).toHaveLength(1);
	forgetCatalogs();
	await load([{}], { cacheSeconds: 0 });
	await load([{}], { cacheSeconds: 0 });
	expect(calls).toHaveLength(3);
});

test('a catalog with a broken entry still loads, without that entry and with the problem attached', async () => {
	const broken = JSON.parse(JSON.stringify(catalogParameters())) as { practitioners: { values: Array<{ mailbox: string; key: string }> } };
	broken.practitioners.values[1].mailbox = 'not-a-mailbox';
	catalogParams = broken as unknown as IDataObject;
	const r = await load([{}]);
	expect(r.error).toBeUndefined();
	const loaded = r.outputs[0][0].json.catalog as { practitioners: Array<{ key: string }>; problems: Array<{ entry: string }> };
	expect(loaded.problems.map((p) => p.entry)).toEqual([`practitioners[${broken.practitioners.values[1].key}]`]);
	expect(loaded.practitioners.map((p) => p.key)).not.toContain(broken.practitioners.values[1].key);
});

test('clinic settings that stop the catalog stop the run with the field named, and are not remembered', async () => {
	const broken = JSON.parse(JSON.stringify(catalogParameters())) as { clinic: { siteOrigin: string } };
	broken.clinic.siteOrigin = 'www.clinic';
	catalogParams = broken as unknown as IDataObject;
	const r = await load([{}]);
	expect(r.error?.message).toMatch(/clinic settings are incomplete/);
	expect(r.error?.description).toMatch(/siteOrigin/);
	catalogParams = catalogParameters();
	expect((await load([{}])).error).toBeUndefined();
	expect(calls).toHaveLength(2);
});

test('a wrong workflow ID says what to check', async () => {
	const r = await load([{}], { catalogWorkflowId: 'NoSuchWorkflow01' });
	expect(r.error?.message).toMatch(/does not exist/);
	expect(r.error?.description).toMatch(/Service Catalog workflow failed/);
});
