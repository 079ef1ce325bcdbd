/**
 * What CloudFront needs from us-east-1, where it reads web ACLs and certificates: the AWS WAF web ACL (CLOUDFRONT
 * scope) and, for a custom domain without a certificate of its own, the ACM certificate. A stack of its own in
 * us-east-1, read by the App stack through weak cross-region references (Fn::GetStackOutput with the region; no
 * export, no custom resource), so the first `cdk deploy --all` creates everything in one pass. The alternative, a
 * web ACL ARN in the configuration, would need the operator to create the ACL by hand first.
 *
 * The web ACL: a rate-based rule per client IP on the API (`/v1/`), answered 429 in the API's error shape, then the
 * AWS managed common rule set (with the body-size rule counting only: an org import is a CSV of up to 256 KB, which
 * the API checks itself).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import type { Naming } from '../naming.ts';

/** The path prefix of the API behind CloudFront. */
export const API_PATH_PREFIX = '/v1/';
export const RATE_LIMIT_WINDOW_SECONDS = 300;
export const MANAGED_COMMON_RULE_SET = 'AWSManagedRulesCommonRuleSet';
/** Managed rules that only count: the API enforces its own limit on bodies (413 above 256 KB). */
export const COUNTED_MANAGED_RULES = ['SizeRestrictions_BODY'] as const;
const RATE_LIMITED_BODY = 'rate-limited';

/** The answer to a client over the per-IP limit: the API's error shape, in Vietnamese. */
export const RATE_LIMITED_RESPONSE = {
  error: {
    code: 'TOO_MANY_REQUESTS',
    message: 'Có quá nhiều yêu cầu từ địa chỉ mạng này; vui lòng thử lại sau ít phút.',
    details: [],
  },
};

export interface EdgeStackProps extends StackProps {
  readonly config: StageConfig;
  readonly names: Naming;
}

export class EdgeStack extends Stack {
  readonly webAcl?: CfnWebACL;
  readonly certificate?: Certificate;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config, names } = props;

    if (config.waf.enabled) this.webAcl = this.createWebAcl(config, names);

    const domain = config.domain;
    if (domain && !domain.certificateArn) {
      const [first, ...rest] = domain.names;
      if (!first) throw new Error('EdgeStack: domain.names is empty');
      // DNS validation: the deploy waits until the CNAME records ACM asks for (shown in the stack events and the
      // ACM console) are in the city's DNS; docs/DEPLOY.md.
      this.certificate = new Certificate(this, 'Certificate', {
        domainName: first,
        subjectAlternativeNames: rest,
        validation: CertificateValidation.fromDns(),
      });
      new CfnOutput(this, 'CertificateArn', { value: this.certificate.certificateArn });
    }
  }

  private createWebAcl(config: StageConfig, names: Naming): CfnWebACL {
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const acl = new CfnWebACL(this, 'WebAcl', {
      name: `${names.prefix}-web`,
      description: `${names.prefix}: CloudFront in front of the web app and the API`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${names.prefix}-web`),
      customResponseBodies: {
        [RATE_LIMITED_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(RATE_LIMITED_RESPONSE),
        },
      },
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: config.waf.rateLimitPerIp,
              aggregateKeyType: 'IP',
              evaluationWindowSec: RATE_LIMIT_WINDOW_SECONDS,
              // The static app is cached by browsers and CloudFront: count only what reaches the API.
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: API_PATH_PREFIX,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          action: {
            block: { customResponse: { responseCode: 429, customResponseBodyKey: RATE_LIMITED_BODY } },
          },
          visibilityConfig: visibility(`${names.prefix}-rate-limit-per-ip`),
        },
        {
          name: 'aws-common-rule-set',
          priority: 1,
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: MANAGED_COMMON_RULE_SET,
              ruleActionOverrides: COUNTED_MANAGED_RULES.map((name) => ({
                name,
                actionToUse: { count: {} },
              })),
            },
          },
          overrideAction: { none: {} },
          visibilityConfig: visibility(`${names.prefix}-aws-common-rule-set`),
        },
      ],
    });
    new CfnOutput(this, 'WebAclArn', { value: acl.attrArn });
    return acl;
  }
}
