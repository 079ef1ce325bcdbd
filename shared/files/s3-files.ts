/**
 * The file store on S3: the only code that talks to S3 (an adapter, like shared/store is for DynamoDB). The same
 * code runs against the evidence bucket in AWS and against s3rver locally (`S3_ENDPOINT`), so the presigned POST,
 * the presigned GET, HEAD and the ranged read are exercised by the local tests as they run in Lambda.
 *
 * - Uploads: a presigned POST whose policy allows exactly one key, one content type and one size
 *   (`content-length-range` from the declared size to the declared size): S3 refuses anything else. s3rver does not
 *   check POST policies, which is why the use case checks the stored object again when the upload is confirmed.
 * - Downloads: a presigned GET that answers with the declared type and `Content-Disposition: attachment` (the file
 *   name as RFC 6266 `filename*`), so a browser saves the file rather than rendering it on the bucket's origin.
 * - The client is made once per process; in Lambda its credentials are the function's role, whose grant covers
 *   `evidence/*` of this one bucket.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  NotFound,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStorage } from '../app/evidence.ts';
import type { Config } from '../config.ts';

/** s3rver's built-in account: any local S3 API accepts these, and they keep the SDK from looking for real ones. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const LOCAL_REGION = 'ap-southeast-1';
/** The tag GuardDuty Malware Protection for S3 puts on every object it scanned. */
const SCAN_TAG = 'GuardDutyMalwareScanStatus';

export interface S3FilesOptions {
  bucket: string;
  /** A local S3 API (s3rver); absent in AWS. */
  endpoint?: string | undefined;
  region?: string | undefined;
}

/** `attachment; filename="ascii"; filename*=UTF-8''…`: Vietnamese names survive, old clients get an ASCII one. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7E]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function s3Files(options: S3FilesOptions): FileStorage {
  const local = options.endpoint !== undefined;
  const client = new S3Client({
    ...(local
      ? {
          endpoint: options.endpoint,
          region: options.region ?? LOCAL_REGION,
          credentials: LOCAL_S3_CREDENTIALS,
          // s3rver serves buckets by path; S3 itself by virtual host (what the CSP of the web app names).
          forcePathStyle: true,
        }
      : options.region
        ? { region: options.region }
        : {}),
    // Checksums only where S3 requires them: the browser's POST carries none, and s3rver knows none.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = options.bucket;

  const missing = (error: unknown) =>
    error instanceof NotFound ||
    (error instanceof S3ServiceException &&
      (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404));

  return {
    async presignUpload({ key, contentType, size, expiresInSeconds }) {
      const { url, fields } = await createPresignedPost(client, {
        Bucket: bucket,
        Key: key,
        Conditions: [
          ['content-length-range', size, size],
          ['eq', '$Content-Type', contentType],
        ],
        Fields: { 'Content-Type': contentType },
        Expires: expiresInSeconds,
      });
      return { url, fields };
    },

    async presignDownload({ key, fileName, contentType, expiresInSeconds }) {
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentDisposition: contentDisposition(fileName),
          ResponseContentType: contentType,
        }),
        { expiresIn: expiresInSeconds },
      );
    },

    async head(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: out.ContentLength ?? 0, contentType: out.ContentType ?? null };
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    },

    async firstBytes(key, count) {
      const out = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${count - 1}` }),
      );
      const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
      return bytes.subarray(0, count);
    },

    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async scanStatus(key) {
      const out = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
      return out.TagSet?.find((t) => t.Key === SCAN_TAG)?.Value ?? null;
    },
  };
}

let processFiles: FileStorage | undefined;

/** The process's file store, from the configuration (once per cold start). */
export function files(c: Config): FileStorage {
  if (!processFiles) {
    if (!c.evidence.bucket) throw new Error('Invalid configuration: EVIDENCE_BUCKET is not set');
    processFiles = s3Files({
      bucket: c.evidence.bucket,
      endpoint: c.evidence.endpoint,
      region: c.table.region,
    });
  }
  return processFiles;
}
