/**
 * Starting a job's own function from the API (AWS). Opening or closing a period for a whole city takes minutes and
 * a request 30 seconds at most, so the periods function records the decision and hands the rest to the job's
 * function, invoked asynchronously (Lambda retries it) with the same payload as a run by hand. The jobs are
 * idempotent and resumable, so a retry or the schedule running at the same time changes nothing. A job with no
 * function named (locally) runs in this process instead.
 */
import type { JobStarter } from '../app/jobs/types.ts';
import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';

/** Starts a function without waiting for it. */
export type Invoker = (functionName: string, payload: string) => Promise<void>;

let lambdaClient: import('@aws-sdk/client-lambda').LambdaClient | undefined;

/** The SDK is loaded on first use: most requests of the periods function never start a job. */
export const lambdaInvoker: Invoker = async (functionName, payload) => {
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

export function lambdaJobStarter(
  functions: Config['backgroundFunctions'],
  fallback: JobStarter,
  invoke: Invoker = lambdaInvoker,
): JobStarter {
  return {
    async start(job, target, options) {
      const functionName = (functions as Partial<Record<string, string | undefined>>)[job];
      if (!functionName) return fallback.start(job, target, options);
      await invoke(functionName, JSON.stringify({ job, target, ...(options.fresh ? { fresh: true } : {}) }));
      return { handedOff: true, runs: [] };
    },
  };
}

let inProcess: ((store: Store) => JobStarter) | undefined;

/**
 * Lets jobs with no function of their own run in this process: the local server sets it (`npm start`, the tests);
 * a Lambda never does, so that no API bundle carries the code of every job (a fifth of each bundle) for a case
 * the deployment rules out (CDK names every background job's function).
 */
export function runJobsInProcess(make: (store: Store) => JobStarter): void {
  inProcess = make;
}

/** The fallback of `lambdaJobStarter` in the API functions: in this process where allowed, else a clear failure. */
export const inProcessJobStarter = (store: Store): JobStarter => ({
  start(job, target, options) {
    if (!inProcess)
      throw new Error(`the ${job} job has no function configured and cannot run in this process`);
    return inProcess(store).start(job, target, options);
  },
});
