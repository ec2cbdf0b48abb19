import { IConstruct } from 'constructs';

/**
 * The base of the library's errors: jsii refuses an exported class whose own base is `Error`
 * (JSII3004), as aws-cdk-lib's `ConstructError` shows; a base of the module's own passes.
 */
abstract class CacheError extends Error {}

/**
 * The error every synth-time validation of this library throws.
 *
 * The message names the construct path (when there is one), the prop, the value
 * received and what is allowed, so that a wrong input is understood without reading
 * the library's source. It is the library's own class: aws-cdk-lib's validation
 * errors are internal API and change between releases.
 *
 * Exported for TypeScript and JavaScript, where `instanceof CacheValidationError` tells it apart.
 * jsii cannot carry a subclass of `Error` to other languages (JSII3001), so, as aws-cdk-lib does with
 * its `ValidationError`, it is `@internal` to jsii: in Python, Java, .NET and Go the same message
 * arrives as the language's error for a JavaScript exception.
 *
 * @example
 * try {
 *   new ReplicationGroup(stack, 'Cache', { vpc, replicas: 6 });
 * } catch (e) {
 *   if (e instanceof CacheValidationError) { console.log(e.constructPath); }
 * }
 * @internal
 */
export class CacheValidationError extends CacheError {
  /** The construct path the error is about, if any. */
  public readonly constructPath?: string;

  /**
   * @param message what is wrong: the prop, the value received and what is allowed
   * @param scope the construct the error is about; its path starts the message
   */
  constructor(message: string, scope?: IConstruct) {
    const path = scope?.node.path;
    super(path ? `${path}: ${message}` : message);
    this.name = 'CacheValidationError';
    this.constructPath = path;
    Object.setPrototypeOf(this, CacheValidationError.prototype);
  }
}
