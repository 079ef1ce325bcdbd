/** Lambda: the annual-rollup job. 10 December, 02:00: each employee's result for the year (fanned out per unit). See shared/jobs. */
import { jobHandler } from '../../shared/jobs/lambda.ts';

export const handler = jobHandler('annual-rollup');
