/**
 * Issue 13, done when: every event of the machine can be sent from the console by the role that
 * may send it. The console draws each action's form from the event's payload schema
 * (GET /machine/events); this walks every staff event of the machine and proves its form can be
 * drawn — every field has a control and a Chinese label, every choice a Chinese name — and that
 * each names the roles that send it. The system's own events (deadlines) have no form: no person
 * sends them.
 */
import { describe, expect, it } from 'vitest';
import { staffEventTypes, systemEventTypes } from '../../machines/challenge/events.js';
import { sendersOf } from '../../src/access/policy.js';
import { eventForms } from '../../src/chart/event-schemas.js';
import { eventLabels } from '../../web/src/api/labels.js';
import { fieldKind, initialValue, type JsonSchema, pruned } from '../../web/src/console/form-values.js';
import { enumLabels, fieldLabels } from '../../web/src/console/labels.js';

/** Every field of a schema, with its name, walked into objects, lists and variants. */
function fields(schema: JsonSchema, name = ''): [string, JsonSchema][] {
  const kind = fieldKind(schema);
  const own: [string, JsonSchema][] = name === '' ? [] : [[name, schema]];
  if (kind === 'object') return [...own, ...Object.entries(schema.properties ?? {}).flatMap(([k, s]) => fields(s, k))];
  if (kind === 'group') return [...own, ...fields(schema.items ?? {}, `${name}[]`).slice(1)];
  if (kind === 'variants')
    return [...own, ...(schema.anyOf ?? []).filter((v) => v.type !== 'null').flatMap((v) => fields(v, '').slice(0))];
  return own;
}

describe('a form for every event of the machine', () => {
  const forms = eventForms();

  it('lists every staff event once, in the machine order, with the roles that send it', () => {
    expect(forms.map((f) => f.type)).toEqual([...staffEventTypes]);
    for (const f of forms) {
      expect(f.senders, f.type).toEqual(sendersOf(f.type as never));
      expect(f.senders.length, `${f.type} has a sender`).toBeGreaterThan(0);
    }
    for (const type of systemEventTypes) expect(forms.some((f) => f.type === type)).toBe(false);
  });

  for (const form of eventForms()) {
    it(`draws ${form.type}: a control and a Chinese label for every field`, () => {
      const schema = form.schema as JsonSchema;
      expect(fieldKind(schema)).toBe('object');
      expect(eventLabels[form.type], `${form.type} has a Chinese name`).toMatch(/[\u4e00-\u9fff]/);
      for (const [name, field] of fields(schema)) {
        expect(fieldKind(field), `${form.type}.${name}`).not.toBe('unsupported');
        const bare = name.replace(/\[\]$/, '');
        expect(fieldLabels[bare], `${form.type}.${bare} has a Chinese label`).toMatch(/[\u4e00-\u9fff]/);
        for (const choice of [...(field.enum ?? []), ...(field.items?.enum ?? [])])
          expect(enumLabels[String(choice)], `${form.type}.${bare}: ${choice}`).toMatch(/[\u4e00-\u9fff]/);
      }
      // A new form sends its required fields, and nothing the person did not fill in.
      const start = initialValue(schema, true) as Record<string, unknown>;
      const sent = pruned(schema, start) as Record<string, unknown>;
      expect(Object.keys(sent).every((k) => schema.required?.includes(k))).toBe(true);
    });
  }
});
