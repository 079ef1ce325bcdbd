/**
 * Deployment settings that the rules leave configurable, read once from the environment and validated:
 * which rubric each employee category is scored with. (Calendar defaults live in the rules engine.)
 */
import * as z from 'zod';
import { defaultRubricFor } from '../domain/rubrics.ts';
import { EMPLOYEE_CATEGORIES, type EmployeeCategory } from '../domain/types.ts';

const overridesSchema = z.partialRecord(z.enum(EMPLOYEE_CATEGORIES), z.string().min(1));

let rubricOverrides: Partial<Record<EmployeeCategory, string>> | undefined;

/** `RUBRIC_BY_CATEGORY='{"civil_servant":"nd-335"}'` scores civil servants with Decree 335's rubric. */
export function rubricIdFor(category: EmployeeCategory): string {
  if (!rubricOverrides) {
    const raw = process.env.RUBRIC_BY_CATEGORY;
    const parsed = overridesSchema.safeParse(raw ? JSON.parse(raw) : {});
    if (!parsed.success) throw new Error(`RUBRIC_BY_CATEGORY is invalid: ${parsed.error.message}`);
    rubricOverrides = parsed.data;
  }
  return defaultRubricFor(category, rubricOverrides);
}
