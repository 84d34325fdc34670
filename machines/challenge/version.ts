/**
 * The machine's version, stored with every event and snapshot. Bump it with any change that
 * could make a stored history replay differently, and keep the old machine loadable.
 */
export const MACHINE_VERSION = '2';
