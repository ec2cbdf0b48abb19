// aws-cdk-lib validates every synthesized template against CloudFormation rules, which costs
// about a second per synthesis. The suite synthesizes hundreds of small apps, so that validation
// is off here; test/cfn-validation.test.ts turns it on (in strict mode) for the canonical templates.
process.env.CDK_VALIDATION = 'false';
