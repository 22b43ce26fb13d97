import { packPackage, N8N_VERSION } from './harness';
import { startWorld, stopWorld, waitFor, runUpkeep, type World } from './context';

let w: World;
beforeAll(async () => {
	w = await startWorld('e2e-regular', 5710, 'regular', packPackage());
}, 600_000);
afterAll(async () => stopWorld(w));

test(`n8n ${N8N_VERSION} boots with the package and all workflows published; upkeep subscribes every mailbox`, async () => {
	await waitFor('subscriptions for 8 mailboxes', () => w.graph.subscriptions.size === 8, 90_000, 500);
	const report = await runUpkeep(w);
	expect(report).toMatchObject({ ok: true, unchanged: 8 });
});
