#!/usr/bin/env node
// npx cdk synth --app 'npx tsx examples/app.ts'
import { App } from 'aws-cdk-lib';
import { CatalogCacheStack, DatabaseCacheStack, ExamplesNetworkStack, SessionStoreStack } from './stacks';

export function buildExamples(app: App = new App()) {
  const network = new ExamplesNetworkStack(app, 'ExamplesNetwork');
  return {
    app,
    network,
    databaseCache: new DatabaseCacheStack(app, 'ExamplesDatabaseCache', { vpc: network.vpc }),
    sessionStore: new SessionStoreStack(app, 'ExamplesSessionStore', { vpc: network.vpc }),
    catalog: new CatalogCacheStack(app, 'ExamplesCatalogCache', { vpc: network.vpc }),
  };
}

if (require.main === module) {
  buildExamples().app.synth();
}
