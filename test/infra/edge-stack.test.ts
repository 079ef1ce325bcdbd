/**
 * The Edge stack (us-east-1): the WAF web ACL for CloudFront and the custom domain's certificate, read by the App
 * stack across regions without an export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_PATH_PREFIX,
  COUNTED_MANAGED_RULES,
  MANAGED_COMMON_RULE_SET,
  RATE_LIMIT_WINDOW_SECONDS,
  RATE_LIMITED_RESPONSE,
} from '../../infra/stacks/edge-stack.ts';
import { only, PROD_STAGES, props, type SynthesisedApp, synth, synthProdExample } from './support.ts';

type Rule = { Name: string; Priority: number; Statement: Record<string, unknown>; Action?: unknown } & Record<
  string,
  unknown
>;

describe('edge stack', () => {
  let prod: SynthesisedApp;
  beforeAll(() => {
    prod = synthProdExample();
  });
  afterAll(() => prod.cleanup());

  const edge = () => {
    if (!prod.templates.edge) throw new Error('no Edge stack in prod');
    return prod.templates.edge;
  };
  const acl = () => props(only(edge(), 'AWS::WAFv2::WebACL')[1]);
  const rule = (name: string) => {
    const found = (acl().Rules as Rule[]).find((r) => r.Name === name);
    if (!found) throw new Error(`no rule ${name}`);
    return found;
  };

  it('lives in us-east-1, where CloudFront reads web ACLs and certificates', () => {
    expect(prod.stacks.edge?.region).toBe('us-east-1');
    expect(prod.stacks.edge?.stackName).toBe('DanhGia-prod-Edge');
  });

  it('has a CLOUDFRONT-scope web ACL that allows by default', () => {
    expect(acl()).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it('blocks a client IP over the configured rate on the API first, with a 429 in the API’s error shape', () => {
    const rate = rule('rate-limit-per-ip');
    expect(rate.Priority).toBe(0);
    expect(rate.Statement).toMatchObject({
      RateBasedStatement: {
        Limit: prod.config.waf.rateLimitPerIp,
        AggregateKeyType: 'IP',
        EvaluationWindowSec: RATE_LIMIT_WINDOW_SECONDS,
        ScopeDownStatement: {
          ByteMatchStatement: {
            FieldToMatch: { UriPath: {} },
            PositionalConstraint: 'STARTS_WITH',
            SearchString: API_PATH_PREFIX,
          },
        },
      },
    });
    const block = (
      rate.Action as { Block: { CustomResponse: { ResponseCode: number; CustomResponseBodyKey: string } } }
    ).Block.CustomResponse;
    expect(block.ResponseCode).toBe(429);
    const body = (acl().CustomResponseBodies as Record<string, { ContentType: string; Content: string }>)[
      block.CustomResponseBodyKey
    ];
    expect(body?.ContentType).toBe('APPLICATION_JSON');
    const parsed = JSON.parse(body?.Content ?? '{}');
    expect(parsed).toEqual(RATE_LIMITED_RESPONSE);
    expect(Object.keys(parsed.error).sort()).toEqual(['code', 'details', 'message']);
  });

  it('applies the AWS managed common rule set, counting only the body-size rule (the API checks 256 KB itself)', () => {
    const common = rule('aws-common-rule-set');
    expect(common.Priority).toBe(1);
    expect(common.OverrideAction).toEqual({ None: {} });
    expect(common.Statement).toEqual({
      ManagedRuleGroupStatement: {
        VendorName: 'AWS',
        Name: MANAGED_COMMON_RULE_SET,
        RuleActionOverrides: COUNTED_MANAGED_RULES.map((name) => ({
          Name: name,
          ActionToUse: { Count: {} },
        })),
      },
    });
  });

  it('requests a DNS-validated certificate for the custom domain', () => {
    const [, certificate] = only(edge(), 'AWS::CertificateManager::Certificate');
    expect(props(certificate)).toMatchObject({
      DomainName: PROD_STAGES.prod.domain.names[0],
      ValidationMethod: 'DNS',
    });
  });

  it('is absent where there is nothing for it to hold (dev: no WAF, no domain)', () => {
    const dev = synth();
    try {
      expect(dev.stacks.edge).toBeUndefined();
      expect(dev.templates.edge).toBeUndefined();
    } finally {
      dev.cleanup();
    }
  });
});
