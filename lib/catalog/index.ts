/**
 * The clinic's service catalog, by topic:
 * - `facts`: booking kinds, form types, patient details a form can hold (each list once);
 * - `schema`: its shape and how problems name entries; `check`: checking it entry by entry;
 * - `parameters`: the catalog as ops edit it in the n8n editor; `lookup`: reading a checked catalog;
 * - `rules`: routing rules and routing results; `listing`: what the website shows of it.
 */
export * from './facts';
export * from './schema';
export * from './check';
export * from './lookup';
export * from './parameters';
export * from './rules';
export * from './listing';
