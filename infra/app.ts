/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`). `-c stage=dev|prod` selects the stage; see docs/DEPLOY.md.
 */

import { createApp } from './build.ts';
import { ConfigError } from './config.ts';

try {
  createApp().app.synth();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
