// jest's runtime (`runtime` in jest.config.js), with V8's code cache kept for the modules a worker
// compiles.
//
// Jest runs every test file in a fresh module registry: each of the ~60 files compiled aws-cdk-lib's
// modules (some of them megabytes of JavaScript) and the library's again from their source, and the
// functions they call again on first call. In a run of the whole suite on one worker that was more
// than a tenth of its CPU time. Here a worker keeps, per module file, the V8 code cache of its first
// compilation, taken when the module is compiled the second time (so that it holds the functions the
// first test file ran, not only the top level), and later test files start from it. Modules are
// still executed afresh in each test file's context: only the compiler's work is reused, for the same
// file with the same source; V8 rejects a cache it cannot use, and the module then compiles as before.
//
// Jest has no option for this, so the compile step of jest-runtime's module executor (30.5: an
// internal class, reached through the first runtime's instance) is wrapped. If it is not there
// (another jest), jest runs unchanged.
const path = require('node:path');
const vm = require('node:vm');
const jestRuntime = require('jest-runtime');

function addCodeCache(executor) {
  const compile = executor.compile;
  /** file name -> { source, script: the first compilation, until its cache is taken; data: that cache } */
  const compiled = new Map();
  executor.compile = function compileWithCodeCache(scriptSource, filename) {
    const vmContext = this.environment.getVmContext();
    if (vmContext == null || this.resolution.isCoreModule(filename)) {
      return compile.call(this, scriptSource, filename);
    }
    let entry = compiled.get(filename);
    if (entry !== undefined && entry.source !== scriptSource) {
      entry = undefined;
    }
    if (entry !== undefined && entry.data === undefined) {
      entry.data = entry.script.createCachedData();
      entry.script = undefined;
    }
    // The module wrapper compileFunction makes (these parameters, in this order), on the module's
    // first line so that line numbers stay; the column offset keeps the first line's columns.
    const prefix = `(function (${this.injectedModuleParameters.join(', ')}) {`;
    let script;
    try {
      script = new vm.Script(`${prefix}${scriptSource}\n})`, {
        filename,
        columnOffset: -prefix.length,
        cachedData: entry && entry.data,
        importModuleDynamically: (specifier, _script, importAttributes, ...rest) =>
          this.dynamicImport(specifier, filename, vmContext, importAttributes, rest[0]),
      });
    } catch {
      // A syntax error and the like: jest's own compile reports it its way.
      return compile.call(this, scriptSource, filename);
    }
    if (entry === undefined) {
      compiled.set(filename, { source: scriptSource, script });
    }
    return script.runInContext(vmContext);
  };
}

// The AWS service specification (@aws-cdk/aws-service-spec: every CloudFormation resource type and
// property, and which property changes replace a resource) that aws-cdk's diff engine
// (@aws-cdk/cloudformation-diff, used by lib/ops/plan.ts) reads. Loading it (2.4 MB gzipped JSON into
// an in-memory database) took about half a second of CPU and 60 MB in each of the dozen test files
// that plan. It is data the diff engine only looks up, never changes: a worker loads it once, with
// node's own require (in the worker's realm, which lives as long as the worker), and every test file
// gets that database. Everything else, the diff engine included, still loads afresh per test file.
const SERVICE_SPEC = '@aws-cdk/aws-service-spec';
/** resolved path of the package's main file -> the module every test file gets */
const serviceSpecs = new Map();

function sharedServiceSpec(from) {
  const resolved = require.resolve(SERVICE_SPEC, { paths: [path.dirname(from)] });
  let shared = serviceSpecs.get(resolved);
  if (shared === undefined) {
    const spec = require(resolved);
    let database;
    shared = Object.freeze({
      ...spec,
      loadAwsServiceSpecSync: () => (database ??= spec.loadAwsServiceSpecSync()),
      loadAwsServiceSpec: async () => (database ??= await spec.loadAwsServiceSpec()),
    });
    serviceSpecs.set(resolved, shared);
  }
  return shared;
}

let wrapped = false;

class Runtime extends jestRuntime.default {
  constructor(...args) {
    super(...args);
    const executor = this.executor && Object.getPrototypeOf(this.executor);
    if (!wrapped && executor && typeof executor.compile === 'function') {
      addCodeCache(executor);
    }
    wrapped = true;
  }

  requireModuleOrMock(from, moduleName) {
    return moduleName === SERVICE_SPEC ? sharedServiceSpec(from) : super.requireModuleOrMock(from, moduleName);
  }
}

module.exports = Runtime;
