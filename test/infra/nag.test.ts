/**
 * cdk-nag's AwsSolutions pack runs as a CDK validation plugin on every synth (tests and `npm run synth`). A
 * finding that is not acknowledged fails the synth; here we also read the report and the annotations, check that
 * every acknowledgement is one we meant (with a specific reason), and prove the check can fail.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/build.ts';
import {
  OIDC_AUTH,
  PROD_COGNITO_STAGES,
  PROD_EXAMPLE_JSON,
  type SynthesisedApp,
  synth,
  synthProdExample,
} from './support.ts';

const CONFIGURATIONS = {
  dev: {},
  'prod (the committed OIDC example)': { stage: 'prod', stages: PROD_EXAMPLE_JSON },
  'dev with OIDC': { stages: { dev: { auth: OIDC_AUTH } } },
  'prod on Cognito (Lite)': { stage: 'prod', stages: PROD_COGNITO_STAGES },
  'prod on Cognito Essentials': {
    stage: 'prod',
    stages: {
      prod: {
        ...PROD_COGNITO_STAGES.prod,
        auth: { ...PROD_COGNITO_STAGES.prod.auth, featurePlan: 'essentials' },
      },
    },
  },
  'prod on Cognito Plus': {
    stage: 'prod',
    stages: {
      prod: { ...PROD_COGNITO_STAGES.prod, auth: { ...PROD_COGNITO_STAGES.prod.auth, featurePlan: 'plus' } },
    },
  },
} as const;

/** Every acknowledgement in the tree: rule id → the construct paths and reasons that acknowledge it. */
function acknowledgements(root: IConstruct): { rule: string; path: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([rule, reason]) => ({
          rule: rule.replace(/^annotation::/i, ''),
          path: c.node.path,
          reason,
        })),
      ),
  );
}

/** The acknowledgements we mean to make; anything else is a finding someone silenced without review. */
const EXPECTED_RULES = [
  /^AwsSolutions-L1$/, // Node.js 22 chosen over the newest runtime
  /^AwsSolutions-IAM5\[Resource::\*\]$/, // X-Ray has no resource-level permissions
  /^AwsSolutions-IAM5\[Resource::<Job[A-Za-z0-9]+\.Arn>:\*\]$/, // a schedule may invoke its job's versions
  /^AwsSolutions-SQS3$/, // a dead-letter queue has no dead-letter queue
  /^AwsSolutions-COG2$/, // dev: MFA optional, by configuration
  /^AwsSolutions-COG8$/, // Lite or Essentials plan, by configuration
  /^AwsSolutions-CFR1$/, // no geo restriction: staff sign in from abroad
  /^AwsSolutions-CFR2$/, // dev only: WAF off by configuration (waf.enabled)
  /^AwsSolutions-CFR4$/, // default *.cloudfront.net certificate when no custom domain is set
  /^AwsSolutions-SMG4$/, // the origin secret rotates by the documented procedure (CloudFront and functions together)
  /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSBackupServiceRolePolicyForBackup\]$/, // AWS Backup's role
  /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/, // CDK's BucketDeployment handler
  /^AwsSolutions-IAM5\[Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*\]$/, // BucketDeployment's copy
  /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-[^/\]]+\/\*\]$/, // CDK asset bucket
  /^AwsSolutions-IAM5\[Resource::<WebAssets[A-Z0-9]+\.Arn>\/\*\]$/, // the site bucket's objects
  // The evidence files under evidence/ of the one evidence bucket (the evidence function; GuardDuty's scanner).
  /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::[a-z0-9-]+-evidence-[^/\]]+\/evidence\/\*\]$/,
  // GuardDuty Malware Protection's own EventBridge rule, by its documented name prefix.
  /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:events:[a-z0-9-<>:A-Za-z]+:rule\/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3\*\]$/,
];

describe.each(Object.entries(CONFIGURATIONS))('cdk-nag AwsSolutions on %s', (_name, context) => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synth(context);
  }, 120_000);
  afterAll(() => app.cleanup());

  it('leaves no finding unacknowledged (errors and warnings alike)', () => {
    const violations = app.validationReport.pluginReports.flatMap((r) =>
      (r.violations ?? []).map((v) => `${r.pluginName}: ${v.severity} ${v.ruleName}`),
    );
    expect(violations).toEqual([]);
  });

  // Reading a stack's annotations synthesises it again: once per stack, and time for a busy machine.
  it('leaves no error or warning annotation on any stack', () => {
    for (const stack of Object.values(app.stacks)) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue()), stack.stackName).toEqual([]);
      expect(annotations.findWarning('*', Match.anyValue()), stack.stackName).toEqual([]);
    }
  }, 120_000);

  it('acknowledges only the expected rules, each on a specific construct with a specific reason', () => {
    const acks = acknowledgements(app.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(
        EXPECTED_RULES.some((r) => r.test(ack.rule)),
        `${ack.rule} at ${ack.path}`,
      ).toBe(true);
      expect(ack.reason.length, `${ack.rule} at ${ack.path}`).toBeGreaterThanOrEqual(60);
      // Never on a whole stack or the app: on the resource (or its wrapper) that has the finding.
      expect(ack.path.split('/').length, `${ack.rule} at ${ack.path}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('claims no protection that is not there: CFR2 (no WAF) only where WAF is off', () => {
    const cfr2 = acknowledgements(app.app).filter((a) => a.rule === 'AwsSolutions-CFR2');
    if (app.config.waf.enabled) {
      expect(cfr2).toEqual([]);
      expect(app.stacks.edge?.webAcl).toBeDefined();
    } else {
      expect(cfr2).toHaveLength(1);
      expect(cfr2[0]?.reason).toMatch(/without AWS WAF by configuration/);
    }
  });

  it('acknowledges a wildcard resource only on a policy that holds nothing but X-Ray', () => {
    for (const ack of acknowledgements(app.app).filter((a) => a.rule === 'AwsSolutions-IAM5[Resource::*]')) {
      expect(ack.path).toMatch(/\/TracingPolicy$/);
    }
  });
});

describe('cdk-nag', () => {
  it('fails the synth on a finding nobody acknowledged', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'danh-gia-cdk-'));
    try {
      const { app, stacks } = createApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
      // A queue without a dead-letter queue and without the TLS-only policy.
      new Queue(stacks.jobs, 'Careless');
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS3[\s\S]*Careless|Careless[\s\S]*AwsSolutions-SQS3/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('requires MFA in prod Cognito without acknowledging COG2, and Plus needs no COG8', () => {
    const app = synth({ stage: 'prod', stages: PROD_COGNITO_STAGES });
    const plus = synth(CONFIGURATIONS['prod on Cognito Plus']);
    try {
      expect(acknowledgements(app.app).map((a) => a.rule)).not.toContain('AwsSolutions-COG2');
      expect(acknowledgements(plus.app).map((a) => a.rule)).not.toContain('AwsSolutions-COG8');
      expect(Stack.of(app.stacks.data).stackName).toBe('DanhGia-prod-Data');
    } finally {
      app.cleanup();
      plus.cleanup();
    }
  });

  it('enforces TLS 1.2 with the example’s custom domain: no CFR4 acknowledgement', () => {
    const app = synthProdExample();
    try {
      expect(acknowledgements(app.app).map((a) => a.rule)).not.toContain('AwsSolutions-CFR4');
    } finally {
      app.cleanup();
    }
  });
});
