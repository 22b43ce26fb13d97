import { omit } from '../../lib/objects';

test('omit leaves out the named keys and keeps the input as it was', () => {
	const input = { catalog: { big: true }, subject: 'GAPS Follow-up', changeType: 'created' };
	const out = omit(input, 'catalog');
	expect(out).toEqual({ subject: 'GAPS Follow-up', changeType: 'created' });
	expect('catalog' in out).toBe(false);
	expect(input.catalog).toEqual({ big: true });
	expect(omit(input, 'catalog', 'subject')).toEqual({ changeType: 'created' });
});
