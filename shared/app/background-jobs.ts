/**
 * Work too big for one API request. Opening or closing a period for a whole city (170,000 evaluations) takes
 * minutes, and API Gateway gives a request 30 seconds. In AWS the periods function therefore records the
 * decision (the period, or its CLOSING state) and hands the rest to the scheduled job's own function, invoked
 * asynchronously with the same payload as a run by hand; the job is idempotent and resumable, so a retry or a
 * run of the schedule at the same time changes nothing. Locally, with no such function named, the work runs
 * inline in the request, as the tests and a small organisation want.
 */
import type { JobName } from '../http/routes.ts';

/** Environment variables naming the job functions the API may start (set by the CDK stack). */
export const BACKGROUND_JOB_ENV = {
  'open-period': 'OPEN_PERIOD_FUNCTION',
  'close-period': 'CLOSE_PERIOD_FUNCTION',
} as const satisfies Partial<Record<JobName, string>>;

export type BackgroundJob = keyof typeof BACKGROUND_JOB_ENV;

/** Starts a function without waiting for it (Lambda's asynchronous invocation, with its retries). */
export type Invoker = (functionName: string, payload: string) => Promise<void>;

let lambdaClient: import('@aws-sdk/client-lambda').LambdaClient | undefined;

/** The SDK is loaded on first use: most requests of the periods function never start a job. */
const lambdaInvoker: Invoker = async (functionName, payload) => {
  const lambda = await import('@aws-sdk/client-lambda');
  lambdaClient ??= new lambda.LambdaClient({});
  await lambdaClient.send(
    new lambda.InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: Buffer.from(payload),
    }),
  );
};

/**
 * Hands a job run for `target` to the job's function when this deployment names one; false when it does not,
 * and the caller does the work itself.
 */
export async function startInBackground(
  job: BackgroundJob,
  target: string,
  invoke: Invoker = lambdaInvoker,
): Promise<boolean> {
  const functionName = process.env[BACKGROUND_JOB_ENV[job]];
  if (!functionName) return false;
  await invoke(functionName, JSON.stringify({ job, target }));
  return true;
}
