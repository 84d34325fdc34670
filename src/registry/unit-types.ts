/** Kinds of unit the guide distinguishes (api.md: units). */
export const unitTypes = [
  'enterprise',
  'university',
  'institute',
  'newRdInstitution',
  'platform',
  'districtDept',
  'other',
] as const;
export type UnitType = (typeof unitTypes)[number];
