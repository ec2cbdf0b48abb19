// aws-cdk-lib validates every synthesized template against CloudFormation rules, which costs
// about a second per synthesis. The suite synthesizes hundreds of small apps, so that validation
// is off here; test/cfn-validation.test.ts turns it on (in strict mode) for the canonical templates.
process.env.CDK_VALIDATION = 'false';

// aws-cdk-lib records where each resource was created (a stack trace per L1 resource, and one per
// annotation) for the CLI's error messages. The suite builds tens of thousands of resources and
// reads none of these traces: capturing them was a fifth to a third of the CPU of the construct
// tests. Its apps get the two context keys that turn them off (an App reads CDK_CONTEXT_JSON, as it
// does under the CLI); an app that passes context of its own keeps these too.
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-creation-stack-traces': true, 'aws:cdk:disable-stack-trace': true });
