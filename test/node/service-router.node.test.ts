import type { IDataObject } from 'n8n-workflow';
import { ServiceRouter } from '../../nodes/ServiceRouter/ServiceRouter.node';
import { registerNode, runNode } from '../helpers/n8n';
import { calendlyInvitee, catalogParameters, graphEvent, jotform, shippedCatalog, stripeEvent } from '../helpers/fixtures';

registerNode('serviceRouter', ServiceRouter);
const catalog = shippedCatalog() as unknown as IDataObject;
const router = (parameters: IDataObject, input: IDataObject[]) => runNode({ type: 'serviceRouter', parameters }, input);
const outputsOf = (operation: string, extra: IDataObject = {}) => {
	const expr = String(new ServiceRouter().description.outputs).replace(/^=\{\{/, '').replace(/\}\}$/, '');
	// eslint-disable-next-line no-new-func
	return (new Function('$parameter', `return ${expr}`)({ operation, ...extra }) as Array<{ displayName: string }>).map((o) => o.displayName);
};

test('the canvas shows one output per service plus Free Consultation, Cancellation and Unrouted; per form type for forms', () => {
	expect(outputsOf('routeBooking', { serviceOutputs: 'alternative-medicine, gaps-coaching, weight-loss, counseling, equine-therapy' })).toEqual([
		'alternative-medicine', 'gaps-coaching', 'weight-loss', 'counseling', 'equine-therapy', 'Free Consultation', 'Cancellation', 'Unrouted',
	]);
	expect(outputsOf('routeForm')).toEqual(['Mini Intake', 'Medical History', 'GAPS Assessment', 'Weight Loss', 'Mental Health', 'Equine Therapy', 'Waitlist', 'Unrouted']);
	expect(outputsOf('matchPayment')).toEqual(['Main', 'Unrouted']);
});

test('Define Catalog checks the catalog and attaches it to every item', async () => {
	const r = await router(catalogParameters(), [{ a: 1 }, { a: 2 }]);
	expect(r.error).toBeUndefined();
	expect(r.outputs[0]).toHaveLength(2);
	expect(r.outputs[0][1].json).toMatchObject({ a: 2, catalog: { clinic: { name: 'Whole Health Clinic' } } });
});

test('Define Catalog with a broken entry fails and names it', async () => {
	const p = JSON.parse(JSON.stringify(catalogParameters()));
	p.practitioners.values[4].mailbox = 'ramona-at-clinic';
	const r = await router(p, [{}]);
	expect(r.error?.message).toMatch(/service catalog has 1 problem/);
	expect(r.error?.description).toMatch(/practitioners\[ramona\]\.mailbox must be an email address/);
});

test('Route Booking sends each booking to its service output, unrouted ones with a reason, deletions to Cancellation', async () => {
	const items: IDataObject[] = [
		{ changeType: 'created', mailbox: 'dr.dia@clinic.example', event: graphEvent({ subject: 'Weight Loss Follow-up', mailbox: 'dr.dia@clinic.example' }), catalog },
		{ changeType: 'created', mailbox: 'dr.dia@clinic.example', event: graphEvent({ subject: 'Alternative Medicine Follow-up', mailbox: 'dr.dia@clinic.example' }), catalog },
		{ changeType: 'created', mailbox: 'consultant@clinic.example', event: graphEvent({ subject: 'Free Initial Consultation - GAPS', mailbox: 'consultant@clinic.example' }), catalog },
		{ changeType: 'created', mailbox: 'dr.dia@clinic.example', event: graphEvent({ subject: 'Lunch', mailbox: 'dr.dia@clinic.example' }), catalog },
		{ changeType: 'deleted', mailbox: 'ramona@clinic.example', eventId: 'AAMk-deleted', catalog },
		{ ...calendlyInvitee({ eventName: 'GAPS Coaching Follow-up', host: 'ramona@clinic.example' }), catalog },
	];
	const r = await router({ operation: 'routeBooking', catalog: '={{ $json.catalog }}', serviceOutputs: 'alternative-medicine, gaps-coaching, weight-loss, counseling, equine-therapy' }, items);
	expect(r.error).toBeUndefined();
	const [alt, gaps, weight, counseling, equine, free, cancellation, unrouted] = r.outputs;
	expect(weight.map((i) => i.pairedItem)).toEqual([{ item: 0 }]);
	expect(alt.map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
	expect(free[0].json).toMatchObject({ kind: 'freeConsultation', service: 'gaps-coaching', practitioner: 'consultant' });
	expect(unrouted[0].json).toMatchObject({ reason: 'ambiguous_service', input: { mailbox: 'dr.dia@clinic.example' } });
	expect(unrouted[0].json.input).not.toHaveProperty('catalog');
	expect(cancellation[0].json).toEqual({ changeType: 'deleted', eventId: 'AAMk-deleted', mailbox: 'ramona@clinic.example', practitioner: 'ramona', providerId: 'a1000000-0000-4000-8000-000000000005' });
	expect(gaps[0].json).toMatchObject({ source: 'calendly', practitioner: 'ramona' });
	expect(counseling).toHaveLength(0);
	expect(equine).toHaveLength(0);
	expect(weight[0].json).not.toHaveProperty('catalog');
});

test('without a catalog the node says where it should come from', async () => {
	const r = await router({ operation: 'routeBooking', catalog: '={{ $json.catalog }}', serviceOutputs: 'gaps-coaching' }, [{ event: {} }]);
	expect(r.error?.message).toMatch(/catalog is missing or invalid/);
	expect(r.error?.description).toMatch(/Load Service Catalog/);
});

test('Route Form, Match Payment and List Practitioners through n8n', async () => {
	const forms = await router({ operation: 'routeForm', catalog: '={{ $json.catalog }}' }, [
		{ body: jotform('241000000007', { q3_fullName: { first: 'Cal', last: 'Ng' }, q4_email: 'cal@example.com', q6_service: 'Counseling' }), catalog },
		{ body: { formID: 'nope' }, catalog },
	]);
	expect(forms.outputs[6][0].json).toMatchObject({ formType: 'waitlist', service: 'counseling' });
	expect(forms.outputs[7][0].json).toMatchObject({ reason: 'unknown_form' });

	const pay = await router({ operation: 'matchPayment', catalog: '={{ $json.catalog }}' }, [{ ...stripeEvent('payment_intent.succeeded', { id: 'pi_1', amount_received: 19500, currency: 'aud' }), catalog }]);
	expect(pay.outputs[0][0].json).toMatchObject({ service: 'gaps-coaching', kind: 'initial', amountMatches: true });

	const list = await router({ operation: 'listPractitioners', catalog: '={{ $json.catalog }}', service: '={{ $json.query.service }}', kind: 'followUp' }, [{ query: { service: 'weight-loss' }, catalog }]);
	expect((list.outputs[0][0].json.practitioners as IDataObject[]).map((p) => p.key)).toEqual(['dr-dia', 'dr-shivani', 'nurse']);
});
