/** The shapes of units and persons (api.md), shared by the HTTP routes and the bulk import. */
import { z } from 'zod';
import { unitTypes } from './unit-types.js';

export const unitBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(300),
  type: z.enum(unitTypes),
  inCity: z.boolean().describe('registered within Urumqi (市域内)'),
  legalPerson: z.boolean().describe('has independent legal-person status'),
  district: z.string().max(100).optional(),
});

export const personIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'letters, digits and . _ : - only');

export const personBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  unit: z.string().min(1).max(64),
});
