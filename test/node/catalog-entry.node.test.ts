import type { IConnections, IDataObject, INode } from 'n8n-workflow';
import { CatalogEntry } from '../../nodes/CatalogEntry/CatalogEntry.node';
import { ServiceRouter } from '../../nodes/ServiceRouter/ServiceRouter.node';
import type { Catalog } from '../../lib/catalog';
import { catalogChain, shippedCatalog, shippedWorkflow } from '../helpers/fixtures';
import { makeWorkflow, registerNode, runNode } from '../helpers/n8n';

registerNode('catalogEntry', CatalogEntry);
registerNode('serviceRouter', ServiceRouter);

/** The shipped Service Catalog's steps, from its first entry to "Clinic Catalog", run by n8n's engine as the sub-workflow runs them. */
async function gather(edit: (nodes: INode[]) => void = () => {}): Promise<{ catalog: Catalog; hints: string[] }> {
	const wf = shippedWorkflow('service-catalog.json');
	const chain = [...catalogChain(wf), wf.nodes.find((n) => n.name === 'Clinic Catalog')!];
	const nodes = JSON.parse(JSON.stringify(chain)) as INode[];
	edit(nodes);
	const connections: IConnections = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	const r = await runNode({ type: 'catalogEntry', parameters: {} }, [{}], { workflow: makeWorkflow(nodes, connections), node: nodes[0] });
	const task = r.run.data.resultData.runData['Clinic Catalog']?.[0];
	if (!task?.data) throw r.error ?? new Error('Clinic Catalog did not run');
	const [item] = task.data.main[0]!;
	expect(item.json).not.toHaveProperty('catalogEntries');
	return { catalog: item.json.catalog as unknown as Catalog, hints: (task.hints ?? []).map((h) => h.message) };
}

test('the shipped Service Catalog, one step per service, practitioner and form, gathers the whole clinic', async () => {
	const { catalog, hints } = await gather();
	expect(catalog).toEqual(shippedCatalog());
	expect(catalog.practitioners.map((p) => p.key)).toEqual(['consultant', 'dr-dia', 'dr-shivani', 'nurse', 'ramona', 'counselor-1', 'counselor-2', 'equine']);
	expect(hints).toEqual([]);
});

test('a deactivated practitioner step takes that practitioner out of service, and nothing else', async () => {
	const { catalog } = await gather((nodes) => (nodes.find((n) => n.name === 'Nurse Practitioner')!.disabled = true));
	expect(catalog.practitioners.map((p) => p.key)).not.toContain('nurse');
	expect(catalog.practitioners).toHaveLength(7);
	expect(catalog.services).toEqual(shippedCatalog().services);
	expect(catalog.problems).toEqual([]);
});

test('a mistake in one step is named with its step, and only that entry is out', async () => {
	const { catalog, hints } = await gather((nodes) => ((nodes.find((n) => n.name === 'Nurse Practitioner')!.parameters as IDataObject).mailbox = 'nurse.clinic.example'));
	expect(catalog.problems).toEqual([{ entry: 'practitioners[nurse]', step: 'Nurse Practitioner', problem: 'mailbox must be an email address (the Office 365 mailbox)', outOfService: true }]);
	expect(catalog.practitioners).toHaveLength(7);
	expect(hints).toEqual([expect.stringContaining('practitioners[nurse] (step "Nurse Practitioner") (out of service): mailbox must be an email address')]);
});

test('the canvas subtitle names the entry', () => {
	const subtitle = String(new CatalogEntry().description.subtitle).replace(/^=\{\{/, '').replace(/\}\}$/, '');
	// eslint-disable-next-line no-new-func
	const show = (p: IDataObject) => new Function('$parameter', `return ${subtitle}`)(p) as string;
	expect(show({ operation: 'practitioner', key: 'dr-lee' })).toBe('Practitioner: dr-lee');
	expect(show({ operation: 'form', formId: '241000000001' })).toBe('JotForm form: 241000000001');
});
