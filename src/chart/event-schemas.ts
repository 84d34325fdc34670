/**
 * Each staff event as the console draws its form: who may send it, the clauses it checks and its
 * payload as JSON Schema, derived from its one definition (machines/challenge/stages/), so a new
 * event or field needs no page written for it (`GET /machine/events`).
 */
import { z } from 'zod';
import { clausesOf, staffEventDefinitions } from '../../machines/challenge/events.js';
import { sendersOf } from '../access/policy.js';

export interface EventForm {
  type: string;
  senders: string[];
  clauses: string[];
  schema: Record<string, unknown>;
}

export function eventForms(): EventForm[] {
  return staffEventDefinitions.map((d) => ({
    type: d.type,
    senders: sendersOf(d.type),
    clauses: [...clausesOf(d.type)],
    schema: z.toJSONSchema(d.payload, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  }));
}
