/**
 * Bodies of the open call (issue 12) that tests send and the OpenAPI document shows as examples
 * (scripts/openapi-examples.ts): a unit's self-registration, a named objection from the public.
 */
import { code } from './fixtures.js';

/** The credit code of the unit that registers itself in the tests. */
export const NEW_UNIT = code(77);

/** A unit's self-registration with its administrator account. */
export const unitApplication = (over: { unit?: Record<string, unknown>; account?: Record<string, unknown> } = {}) => ({
  unit: {
    code: NEW_UNIT,
    name: '新疆风电运维科技有限公司',
    type: 'enterprise',
    inCity: true,
    legalPerson: true,
    ...over.unit,
  },
  account: { username: 'fengdian', password: 'Wind2026power', name: '王五', mobile: '13912345678', ...over.account },
});

/** A real-name objection from a member of the public. */
export const publicObjector = { name: '张三', contact: '13800000000', text: '中选团队的业绩材料与事实不符。' };
