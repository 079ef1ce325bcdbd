import { describe, expect, it } from 'vitest';
import { ConfigError, loadStageConfig, mergeConfig } from '../../infra/config.ts';
import { OIDC_AUTH, PROD_STAGES } from './support.ts';

const from = (context: Record<string, unknown>) => () => loadStageConfig((key) => context[key]);

describe('stage configuration', () => {
  it('defaults to dev, which needs no configuration', () => {
    const config = from({})();
    expect(config.stage).toBe('dev');
    expect(config.auth.mode).toBe('cognito');
    expect(config.logRetentionDays).toBe(14);
  });

  it('refuses prod without the values only the operator knows, naming each one', () => {
    const load = from({ stage: 'prod' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/alarmEmail/);
    expect(load).toThrow(/allowOrigins/);
    expect(load).toThrow(/callbackUrls/);
    expect(load).toThrow(/reminders\.sender|sender/);
    expect(load).toThrow(/stages.*prod/);
  });

  it('accepts prod once configured, with MFA required and a year of logs', () => {
    const config = from({ stage: 'prod', stages: PROD_STAGES })();
    expect(config.auth.mode === 'cognito' && config.auth.mfa).toBe('required');
    expect(config.logRetentionDays).toBe(365);
    expect(config.alarmEmail).toBe('ops@danhgia.example.gov.vn');
  });

  it('takes the stages object as a JSON string too (as `-c stages=...` delivers it)', () => {
    const config = from({ stage: 'prod', stages: JSON.stringify(PROD_STAGES) })();
    expect(config.cors.allowOrigins).toEqual(['https://danhgia.example.gov.vn']);
  });

  it('rejects an unknown stage, an unknown key and a retention CloudWatch does not offer', () => {
    expect(from({ stage: 'staging' })).toThrow(/Unknown stage "staging"/);
    expect(from({ stages: { dev: { alarmEmial: 'x@y.vn' } } })).toThrow(/alarmEmial/);
    expect(from({ stages: { dev: { logRetentionDays: 10 } } })).toThrow(/logRetentionDays/);
    expect(from({ stages: { qa: {} } })).toThrow(/unknown stage/);
    expect(from({ stages: '{not json' })).toThrow(/not valid JSON/);
  });

  it('refuses plain-http origins in prod', () => {
    const stages = {
      prod: { ...PROD_STAGES.prod, cors: { allowOrigins: ['http://danhgia.example.gov.vn'] } },
    };
    expect(from({ stage: 'prod', stages })).toThrow(/https origins only/);
  });

  it('switches to OIDC by replacing the auth block, not merging Cognito settings into it', () => {
    const config = from({ stages: { dev: { auth: OIDC_AUTH } } })();
    expect(config.auth).toEqual(OIDC_AUTH);
    expect(from({ stages: { dev: { auth: { ...OIDC_AUTH, issuer: 'http://insecure.example' } } } })).toThrow(
      /issuer/,
    );
  });

  it('merges objects key by key and replaces arrays', () => {
    expect(mergeConfig({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] } });
  });
});
