/**
 * A real S3 API on this machine for `npm start` and the tests: s3rver (npm), bound to 127.0.0.1, with the evidence
 * bucket and its CORS rule. The handlers reach it through the same S3 client code as in AWS (`S3_ENDPOINT`), the
 * browser uploads to it with the same presigned POST, and a presigned link expires here as it does on S3.
 *
 * What s3rver does not do, and who does it instead: it does not check signatures nor POST policies (the type and
 * exact size of an upload), so the confirmation step reads the stored object back and checks both itself; that
 * check runs in AWS too. Files live in `LOCAL_DATA_DIR/s3` (kept across restarts), or in a temporary folder
 * removed on stop with `LOCAL_DATA_DIR=memory` and in the tests.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { createLocalBucket } from '../../shared/files/create-bucket.ts';

// As in runtime.ts: locally we run on Node 20 on purpose; the SDK's notice about Node 22 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const LOCAL_EVIDENCE_BUCKET = 'danh-gia-evidence-local';

export interface RunningS3 {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startS3Local(options: { dataDir: string | null; port?: number }): Promise<RunningS3> {
  const temporary = options.dataDir === null;
  const directory = temporary
    ? mkdtempSync(join(tmpdir(), 'danh-gia-s3-'))
    : join(options.dataDir ?? '.', 's3');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    // Path-style only: a bucket name is never taken from the Host header.
    vhostBuckets: false,
  });
  const { port } = await server.run();
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The bucket, with the CORS rule for the app's origins (the browser uploads from them). */
export async function prepareEvidenceBucket(endpoint: string, bucket: string, appOrigins: readonly string[]) {
  await createLocalBucket(endpoint, bucket, appOrigins);
}

/** The configuration the handlers read, for the local S3 API (a variable already set wins). */
export function useLocalEvidence(endpoint: string, env: NodeJS.ProcessEnv = process.env): void {
  env.S3_ENDPOINT ||= endpoint;
  env.EVIDENCE_BUCKET ||= LOCAL_EVIDENCE_BUCKET;
}

/**
 * The demo's machine clients, as a city would configure its work systems: the document system of the Department of
 * Finance may feed its staff (the subtree of `stc`), that of the Department of Home Affairs its own (`snv`).
 * Tokens from `POST /local/token` with `{"clientId": "qlvb-stc", "scopes": ["tasks:write"]}`, or from the local
 * OpenID provider's client-credentials grant (`LOCAL_MACHINE_CLIENTS` in local-oidc.ts).
 */
export const LOCAL_MACHINE_CLIENTS = {
  'qlvb-stc': { units: ['stc'], sources: ['qlvb-stc'] },
  'qlvb-snv': { units: ['snv'], sources: ['qlvb-snv'] },
} as const;

export function useLocalMachineClients(env: NodeJS.ProcessEnv = process.env): void {
  env.MACHINE_CLIENTS ||= JSON.stringify(LOCAL_MACHINE_CLIENTS);
}
