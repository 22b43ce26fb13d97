/** The Graph and MediRecords sandboxes for a node test file: started once, emptied before each test. */
import type { GraphSandbox } from '../../sandbox/graph';
import type { MediRecordsSandbox } from '../../sandbox/medirecords';
import { graphCredentials, startGraph } from './graph';
import { startMediRecords } from './medirecords';

export function graphAndMediRecords(): { readonly g: GraphSandbox; readonly mr: MediRecordsSandbox } {
	const s = {} as { g: GraphSandbox; mr: MediRecordsSandbox };
	beforeAll(async () => {
		s.g = await startGraph();
		s.mr = await startMediRecords();
	});
	afterAll(async () => Promise.all([s.g.stop(), s.mr.stop()]));
	beforeEach(() => {
		s.g.reset();
		graphCredentials(s.g);
		s.mr.reset();
	});
	return s;
}
