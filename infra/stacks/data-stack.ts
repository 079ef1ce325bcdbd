/**
 * The stateful stack: the table and (in `cognito` mode) the user pool. Nothing here is redeployed when code
 * changes; the stateless stacks only read its outputs. Everything in it is retained on stack deletion and
 * protected against deletion while the stack lives.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolClientIdentityProvider,
  UserPoolEmail,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../shared/store/table-definition.ts';
import type { CognitoAuthConfig, StageConfig } from '../config.ts';
import type { Naming } from '../naming.ts';

export const EMPLOYEE_ID_ATTRIBUTE = 'employeeId';
export const USER_GROUPS = [
  { name: 'hr', description: 'HR: organisation, periods, rubrics and reports for the subtree of its unit' },
  { name: 'admin', description: 'Administrators: everything, including rubrics and org import' },
] as const;

export interface DataStackProps extends StackProps {
  readonly config: StageConfig;
  readonly names: Naming;
}

export interface UserPoolRefs {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** The `iss` of the pool's tokens (the pool's ProviderURL attribute lacks the scheme). */
  readonly issuer: string;
}

export class DataStack extends Stack {
  readonly table: Table;
  /** Present in `cognito` auth mode only. */
  readonly users?: UserPoolRefs;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    const key = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: key(tableDefinition.partitionKey),
      sortKey: key(tableDefinition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      // AWS-managed key (aws/dynamodb): encrypted at rest, every key use in CloudTrail, no key policy to get
      // wrong and no customer key whose deletion would make the retained table and its backups unreadable.
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
    });
    for (const gsi of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: key(gsi.partitionKey),
        sortKey: key(gsi.sortKey),
      });
    }

    new CfnOutput(this, 'TableName', { value: this.table.tableName });

    if (config.auth.mode === 'cognito') this.users = this.createUserPool(config, config.auth, props.names);
  }

  private createUserPool(config: StageConfig, auth: CognitoAuthConfig, names: Naming): UserPoolRefs {
    const plus = auth.featurePlan === 'plus';
    const userPool = new UserPool(this, 'UserPool', {
      userPoolName: names.prefix,
      // Accounts are created by an administrator (or an import), never by the public.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      // Set by administrators only: the app client below cannot write it, so a user cannot change who they are.
      customAttributes: {
        [EMPLOYEE_ID_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      mfa: auth.mfa === 'required' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: plus ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(plus ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      ...(auth.emailFrom
        ? { email: UserPoolEmail.withSES({ fromEmail: auth.emailFrom, sesRegion: Aws.REGION }) }
        : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const group of USER_GROUPS) {
      new UserPoolGroup(this, `Group-${group.name}`, {
        userPool,
        groupName: group.name,
        description: group.description,
      });
    }

    const readable = new ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
      .withCustomAttributes(EMPLOYEE_ID_ATTRIBUTE);
    const writable = new ClientAttributes().withStandardAttributes({ fullname: true });
    const client = userPool.addClient('WebClient', {
      userPoolClientName: `${names.prefix}-web`,
      generateSecret: false,
      // Managed login with the authorization code grant; the browser client uses PKCE (it has no secret).
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: auth.callbackUrls,
        logoutUrls: auth.logoutUrls,
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      readAttributes: readable,
      writeAttributes: writable,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    const domain = userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: auth.domainPrefix ?? `${names.prefix}-${Aws.ACCOUNT_ID}` },
    });

    if (auth.mfa !== 'required') {
      Validations.of(userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason: `Stage "${config.stage}" is configured with MFA optional (auth.mfa): users may enrol TOTP; prod defaults to required.`,
      });
    }
    if (!plus) {
      Validations.of(userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason: `Stage "${config.stage}" is configured with the Essentials feature plan (auth.featurePlan) to avoid the Plus per-MAU price; threat protection is then off.`,
      });
    }

    const issuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${userPool.userPoolId}`;
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    new CfnOutput(this, 'UserPoolIssuer', { value: issuer });
    new CfnOutput(this, 'HostedLoginUrl', { value: domain.baseUrl() });
    return { userPool, client, issuer };
  }
}
