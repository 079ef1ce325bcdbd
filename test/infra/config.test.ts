import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadStageConfig,
  mergeConfig,
  needsEdgeStack,
  oidcOrigins,
} from '../../infra/config.ts';
import { OIDC_AUTH, PROD_COGNITO_STAGES, PROD_EXAMPLE_JSON, PROD_STAGES } from './support.ts';

const from = (context: Record<string, unknown>) => () => loadStageConfig((key) => context[key]);
const prodWith = (overrides: Record<string, unknown>) => ({
  stage: 'prod',
  stages: { prod: { ...PROD_STAGES.prod, ...overrides } },
});

describe('stage configuration', () => {
  it('defaults to dev, which needs no configuration: Cognito on the Lite plan, no WAF, no canary', () => {
    const config = from({})();
    expect(config.stage).toBe('dev');
    expect(config.auth).toMatchObject({ mode: 'cognito', featurePlan: 'lite', mfa: 'optional' });
    expect(config.waf.enabled).toBe(false);
    expect(config.deployment).toBe('all-at-once');
    expect(config.logRetentionDays).toBe(14);
  });

  it("makes prod federate the city's own OIDC provider by default, and refuses it without the provider, naming each key", () => {
    const load = from({ stage: 'prod' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/auth\.issuer/);
    expect(load).toThrow(/auth\.clientId/);
    expect(load).toThrow(/auth\.claims/);
    expect(load).toThrow(/alarmEmail/);
    expect(load).toThrow(/reminders\.sender|sender/);
    expect(load).toThrow(/region/);
    expect(load).toThrow(/stages.*prod/);
  });

  it('keeps the committed prod example on one line: the CDK CLI drops everything after a -c value’s first line', () => {
    expect(PROD_EXAMPLE_JSON.trimEnd()).not.toContain('\n');
  });

  it('accepts the committed prod example (a JSON string, as `-c stages="$(cat …)"` delivers it)', () => {
    const config = from({ stage: 'prod', stages: PROD_EXAMPLE_JSON })();
    expect(config.auth).toMatchObject({
      mode: 'oidc',
      issuer: PROD_STAGES.prod.auth.issuer,
      clientId: PROD_STAGES.prod.auth.clientId,
      scopes: ['openid', 'profile', 'email'],
      bearer: 'id_token',
    });
    expect(config.waf).toEqual({ enabled: true, rateLimitPerIp: 3000 });
    expect(config.deployment).toBe('canary');
    expect(config.tracing).toBe(false);
    expect(config.backup.retentionDays).toBe(7);
    expect(config.capacity.warmWriteUnitsPerSecond).toBe(10_000);
    expect(config.logRetentionDays).toBe(365);
    expect(config.domain?.names).toEqual(PROD_STAGES.prod.domain.names);
  });

  it('keeps Cognito as an option: Lite plan and MFA required in prod, Plus only when asked for', () => {
    const config = from({ stage: 'prod', stages: PROD_COGNITO_STAGES })();
    expect(config.auth).toMatchObject({ mode: 'cognito', featurePlan: 'lite', mfa: 'required' });
    const plus = from({
      stage: 'prod',
      stages: {
        prod: {
          ...PROD_COGNITO_STAGES.prod,
          auth: { ...PROD_COGNITO_STAGES.prod.auth, featurePlan: 'plus' },
        },
      },
    })();
    expect(plus.auth.mode === 'cognito' && plus.auth.featurePlan).toBe('plus');
  });

  it('sends Cognito mail through SES in prod: refuses Cognito without emailFrom', () => {
    const stages = { prod: { ...PROD_COGNITO_STAGES.prod, auth: { mode: 'cognito' } } };
    expect(from({ stage: 'prod', stages })).toThrow(/through SES[\s\S]*auth\.emailFrom/);
  });

  it('switches modes by taking the new mode’s defaults, not merging the other mode’s keys into it', () => {
    const config = from({ stages: { dev: { auth: OIDC_AUTH } } })();
    expect(config.auth).toEqual({ ...OIDC_AUTH, scopes: ['openid', 'profile', 'email'], bearer: 'id_token' });
    expect(from({ stages: { dev: { auth: { ...OIDC_AUTH, issuer: 'http://insecure.example' } } } })).toThrow(
      /issuer/,
    );
  });

  it('lists origins only in the CSP: the issuer’s, the endpoints’ and the extra ones, without paths', () => {
    const config = from({
      stages: {
        dev: {
          auth: {
            ...OIDC_AUTH,
            endpoints: { token: 'https://token.example.gov.vn:8443/oauth/token' },
            connectOrigins: ['https://jwks.example.gov.vn', 'https://sso.example.gov.vn'],
          },
        },
      },
    })();
    if (config.auth.mode !== 'oidc') throw new Error('expected oidc');
    expect(oidcOrigins(config.auth)).toEqual([
      'https://sso.example.gov.vn',
      'https://token.example.gov.vn:8443',
      'https://jwks.example.gov.vn',
    ]);
  });

  it('refuses an extra origin with a path, and says why', () => {
    const load = from({
      stages: { dev: { auth: { ...OIDC_AUTH, connectOrigins: ['https://sso.example.gov.vn/realms/city'] } } },
    });
    expect(load).toThrow(/must be an origin \(https:\/\/host\[:port\], no path\)[\s\S]*connectOrigins\[0\]/);
    expect(load).toThrow(/a CSP source with a path matches that path only/);
  });

  it('needs an explicit region once WAF or a custom domain certificate lives in the us-east-1 Edge stack', () => {
    const { region: _dropped, ...withoutRegion } = PROD_STAGES.prod;
    expect(from({ stage: 'prod', stages: { prod: withoutRegion } })).toThrow(/us-east-1[\s\S]*at region/);
    const dev = from({ stages: { dev: { waf: { enabled: true } } } });
    expect(dev).toThrow(/region/);
    expect(
      from({ stages: { dev: { waf: { enabled: true }, region: 'ap-southeast-1' } } })().waf.enabled,
    ).toBe(true);
  });

  it('creates the Edge stack only for WAF or a certificate to request', () => {
    expect(needsEdgeStack({ waf: { enabled: false, rateLimitPerIp: 100 } })).toBe(false);
    expect(needsEdgeStack({ waf: { enabled: true, rateLimitPerIp: 100 } })).toBe(true);
    expect(
      needsEdgeStack({ waf: { enabled: false, rateLimitPerIp: 100 }, domain: { names: ['a.example.vn'] } }),
    ).toBe(true);
    expect(
      needsEdgeStack({
        waf: { enabled: false, rateLimitPerIp: 100 },
        domain: {
          names: ['a.example.vn'],
          certificateArn:
            'arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000',
        },
      }),
    ).toBe(false);
  });

  it('takes a certificate from us-east-1 only', () => {
    const load = from(
      prodWith({
        domain: {
          names: ['danhgia.example.gov.vn'],
          certificateArn:
            'arn:aws:acm:ap-southeast-1:111122223333:certificate/00000000-0000-0000-0000-000000000000',
        },
      }),
    );
    expect(load).toThrow(/in us-east-1[\s\S]*domain\.certificateArn/);
  });

  it('rejects an unknown stage, an unknown key, the removed CORS key and a retention CloudWatch does not offer', () => {
    expect(from({ stage: 'staging' })).toThrow(/Unknown stage "staging"/);
    expect(from({ stages: { dev: { alarmEmial: 'x@y.vn' } } })).toThrow(/alarmEmial/);
    expect(from({ stages: { dev: { cors: { allowOrigins: ['https://a.vn'] } } } })).toThrow(/cors/);
    expect(from({ stages: { dev: { logRetentionDays: 10 } } })).toThrow(/logRetentionDays/);
    expect(from({ stages: { qa: {} } })).toThrow(/unknown stage/);
    expect(from({ stages: '{not json' })).toThrow(/not valid JSON/);
  });

  it('merges objects key by key and replaces arrays', () => {
    expect(mergeConfig({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] } });
  });
});
