/**
 * The evidence bucket on a local S3 API (s3rver), as the Data stack makes it in AWS: created when missing, with the
 * CORS rule that lets the web app's origins upload (POST) and download (GET) straight to it. For `npm start` and
 * the tests only; in AWS the CDK stack owns the bucket.
 */
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { LOCAL_S3_CREDENTIALS } from './s3-files.ts';

/** The CORS rule of the evidence bucket: the app's origins may POST uploads and GET downloads, nothing else. */
export const evidenceCorsRule = (origins: readonly string[]) => ({
  AllowedOrigins: [...origins],
  AllowedMethods: ['POST', 'GET'],
  AllowedHeaders: ['*'],
  ExposeHeaders: ['ETag'],
  MaxAgeSeconds: 3000,
});

export async function createLocalBucket(endpoint: string, bucket: string, corsOrigins: readonly string[]) {
  const client = new S3Client({
    endpoint,
    region: 'ap-southeast-1',
    credentials: LOCAL_S3_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    const exists = await client
      .send(new HeadBucketCommand({ Bucket: bucket }))
      .then(() => true)
      .catch(() => false);
    if (!exists) {
      await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
        if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
      });
    }
    await client.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: { CORSRules: [evidenceCorsRule(corsOrigins)] },
      }),
    );
  } finally {
    client.destroy();
  }
}
